"""Mapping profiles: a register as published → canonical records, every row accounted for."""
from __future__ import annotations

import fnmatch
import json
import textwrap
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphrisk import store
from graphrisk.cli import cli
from graphrisk.errors import InputError
from graphrisk.ingest import ingest_file, ingest_paths, values
from graphrisk.ingest.profiles import Profile, check, draft, load

ROOT = Path(__file__).resolve().parents[1]
MINISTERS = ROOT / ".." / "shared" / "realdata" / "uk-ministers-gifts-hospitality"

# The example of issue 12, exactly as written there.
ISSUE_EXAMPLE = """\
kind = "gifts"
[columns]
recipient_name = "minister"
giver_name = "donor_recipient"
date = "date"
value = "value"
description = "gift"
[formats]
date = ["%Y-%m-%d", "%d/%m/%Y"]
[values]
value = { "Above limit" = "", "Value Unknown" = "" }
[constants]
currency = "GBP"
[filter]
given_or_received = ["Received"]
[entity_kinds]
giver_name = "unknown"
"""

# Real-shaped rows of the ministers' register: nil returns, DD/MM/YYYY beside ISO, free-text values.
GIFTS_CSV = """\
type,department,minister,date,gift,given_or_received,donor_recipient,value,outcome,source
gift,,Sir Keir Starmer,2025-09-08,Wooden carving,Received,President Abbas of Palestine,Above limit,Held by Department,September 2025
gift,,Sir Keir Starmer,2025-09-15,Sake server set,Received,Nissan Motor Corporation,Above Limit,Held by Department,September 2025
gift,,Sir Keir Starmer,2025-09-16,Red Ministerial Box,Given,President of the United States of America,Above limit,N/A,September 2025
gift,,Pat McFadden,Nil Return,Nil Return,Nil Return,Nil Return,Nil Return,Nil Return,September 2025
gift,Cabinet Office,Ellie Reeves,21/07/2025,Hamper,Received,Fortnum & Mason,£150,Held by department,July 2025
gift,,David Lammy,06/07/2025,Vase,Received,Embassy of Japan,200,Held by department,July 2025
"""


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(textwrap.dedent(text), encoding=encoding)
    return p


def _rows(db, sql, params=()):
    return [dict(r) for r in db.query(sql, params)]


@pytest.fixture
def ministers(tmp_path):
    return _write(tmp_path, "ministers_gifts.csv", GIFTS_CSV), Profile.from_text(ISSUE_EXAMPLE, "issue.toml")


# ------------------------------------------------------------------ the issue's example


def test_issue_example_loads_as_written(ministers, db):
    path, prof = ministers
    rep = ingest_file(db, path, profile=prof)
    assert rep.status == "ok" and rep.inserted == 4
    # every row is accounted for: stored, or counted with its reason
    assert rep.rows == 6 and sum(rep.skipped.values()) == 2
    assert any("given" in reason and n == 2 for reason, n in rep.skipped.items())
    got = {r["giver_name"]: r for r in _rows(db, "select * from gifts")}
    carving = got["President Abbas of Palestine"]
    assert carving["value"] is None and carving["value_text"] == "Above limit"  # unknown, the words kept
    assert got["Nissan Motor Corporation"]["value_text"] == "Above Limit"  # case-insensitive value map
    hamper = got["Fortnum & Mason"]
    assert (hamper["date"], hamper["value"], hamper["currency"]) == ("2025-07-21", 150.0, "GBP")
    # 06/07/2025 reads both ways: the profile's formats say day first comes second, ISO first
    assert got["Embassy of Japan"]["date"] == "2025-07-06"
    assert got["Embassy of Japan"]["currency"] == "GBP"
    # provenance: the published file and its row
    assert hamper["_row"] == 6
    batch = _rows(db, "select path, options from batches where id = ?", [hamper["_batch"]])[0]
    assert batch["path"].endswith("ministers_gifts.csv") and json.loads(batch["options"])["profile_sha256"]
    # the recipient is a name the resolver linked or created, never a NULL id
    assert all(r["recipient_id"] for r in got.values())


def test_issue_example_on_the_real_register(db):
    path = MINISTERS / "ministers_gifts.csv"
    if not path.exists():
        pytest.skip("real register not present")
    prof = Profile.from_text(ISSUE_EXAMPLE, "issue.toml")
    with pytest.raises(InputError) as exc:  # strict: three cells the example does not cover
        ingest_file(db, path, profile=prof)
    msgs = [str(p) for p in exc.value.problems]
    assert len(msgs) == 3
    assert any(":281:date:" in m and "2025-20-08" in m for m in msgs)
    assert any(":330:value:" in m and "£175-200" in m for m in msgs)
    assert db["gifts"].count == 0  # nothing of the batch was written
    rep = ingest_file(db, path, profile=prof, skip_bad_rows=True, rejects_dir=db_dir(db) / "rej")
    assert (rep.inserted, rep.rejected) == (178, 3)
    assert rep.inserted + rep.rejected + sum(rep.skipped.values()) == 391


def db_dir(db) -> Path:
    return Path(db.conn.execute("pragma database_list").fetchone()[2]).parent


def test_reingest_same_profile_is_unchanged_other_profile_is_not(ministers, db):
    path, prof = ministers
    ingest_file(db, path, profile=prof)
    again = ingest_file(db, path, profile=prof)
    assert again.status == "unchanged"
    given = Profile.from_text(ISSUE_EXAMPLE.replace('["Received"]', '["Given"]')
                              .replace('recipient_name = "minister"\ngiver_name = "donor_recipient"',
                                       'giver_name = "minister"\nrecipient_name = "donor_recipient"'), "given.toml")
    rep = ingest_file(db, path, profile=given)
    assert rep.status == "ok" and rep.inserted == 1  # same file, another profile: its own batch


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize("text,dayfirst,expected", [
    ("2024-12-22T00:00:00Z", None, "2024-12-22"), ("2025-01-15T23:30:00+01:00", None, "2025-01-15"),
    ("22/12/2024", None, "2024-12-22"), ("22-12-2024", None, "2024-12-22"), ("12/22/2024", None, "2024-12-22"),
    ("06/07/2025", True, "2025-07-06"), ("06/07/2025", False, "2025-06-07"), ("3.2.2026", True, "2026-02-03"),
])
def test_date_forms(text, dayfirst, expected):
    assert values.parse_date(text, dayfirst=dayfirst) == expected


def test_ambiguous_date_is_an_error_unless_the_profile_says(tmp_path, db):
    csv = "gift_id,giver_id,recipient_id,date,value,currency\nG1,P1,O1,06/07/2025,100,EUR\n"
    p = _write(tmp_path, "gifts.csv", csv)
    with pytest.raises(ValueError, match="ambiguous date"):
        values.parse_date("06/07/2025")
    prof = Profile.from_text('kind = "gifts"\ndayfirst = true\n')
    a = prof.apply(p)
    assert a.table.frame["date"].tolist() == ["2025-07-06"] and not a.problems
    prof = Profile.from_text('kind = "gifts"\n[formats]\ndate = "month-first"\n')
    assert prof.apply(p).table.frame["date"].tolist() == ["2025-06-07"]
    prof = Profile.from_text('kind = "gifts"\n[formats]\ndate = "%Y-%m-%d"\n')
    a = prof.apply(p)
    assert a.problems and a.problems[0][1] == "date" and "06/07/2025" in a.problems[0][2]
    with pytest.raises(InputError) as exc:
        ingest_file(db, p, profile=prof)
    assert [(q.row, q.code) for q in exc.value.problems if q.column == "date"] == [(2, "bad_date")]


# ------------------------------------------------------------------ ids, constants, splits, filters


COUNCILLORS = """\
council,councillor_id,name,committee
Leeds,17,Jane Smith,Licensing
Bradford,17,Tom Brown,Planning
Leeds,18,Ann Lee,Planning
"""


def test_id_template_from_two_columns_and_constants(tmp_path, db):
    _write(tmp_path / "u", "units.csv", "unit_id,name\nGB-LDS,Leeds City Council\nGB-BRD,Bradford Council\n")
    ingest_paths(db, [tmp_path / "u"])
    p = _write(tmp_path, "members.csv", COUNCILLORS)
    prof = Profile.from_text("""
        kind = "officials"
        [columns]
        name = "name"
        position = "committee"
        [ids]
        official_id = "GB-CLLR-{council:upper}:{councillor_id}"
        unit_id = "GB-{council:upper}"
        [values]
        council = { "Leeds" = "LDS", "Bradford" = "BRD" }
        [constants]
        rank = "councillor"
        """.replace("\n        ", "\n"))
    rep = ingest_file(db, p, profile=prof)
    assert rep.inserted == 3  # the two councillors numbered 17 stay apart
    got = {r["official_id"]: r for r in _rows(db, "select * from officials")}
    assert set(got) == {"GB-CLLR-LDS:17", "GB-CLLR-BRD:17", "GB-CLLR-LDS:18"}
    assert got["GB-CLLR-BRD:17"]["unit_id"] == "GB-BRD" and got["GB-CLLR-LDS:18"]["rank"] == "councillor"


def test_id_template_slug_and_unit(tmp_path, db):
    _write(tmp_path / "u", "units.csv", "unit_id,name\nU-leeds,Leeds City Council\n")
    ingest_paths(db, [tmp_path / "u"])
    p = _write(tmp_path, "members.csv", "council,councillor_id,name\nLeeds,17,Jane Smith\n")
    prof = Profile.from_text('kind = "officials"\n[ids]\nofficial_id = "{council:slug}:{councillor_id}"\n'
                             'unit_id = "U-{council:slug}"\n')
    ingest_file(db, p, profile=prof)
    assert _rows(db, "select official_id, unit_id, name from officials") == [
        {"official_id": "leeds:17", "unit_id": "U-leeds", "name": "Jane Smith"}]


MEETINGS = """\
member,Date,Attendees,Subject
Anna Example,12-03-2024,"Google, Microsoft 0801162959-21",AI Act
Anna Example,13-03-2024,Rail Forum Europe,Rail package
Anna Example,14-03-2024,,Cancelled
"""


def test_split_filter_and_skip_count_every_row(tmp_path, db):
    _write(tmp_path / "o", "units.csv", "unit_id,name\nEP,European Parliament\n")
    _write(tmp_path / "o", "officials.csv", "official_id,name,unit_id\nMEP1,Anna Example,EP\n")
    ingest_paths(db, [tmp_path / "o"])
    p = _write(tmp_path, "meetings.csv", MEETINGS)
    prof = Profile.from_text("""
        kind = "contacts"
        id_prefix = "EP-MEET-"
        dayfirst = true
        skip_if_empty = ["attendees"]
        [columns]
        counterpart_name = "Attendees"
        date = "Date"
        note = "Subject"
        [constants]
        official_id = "MEP1"
        channel = "meeting"
        [split]
        counterpart_name = ","
        [filter]
        subject = { not = ["Cancelled"] }
        [entity_kinds]
        counterpart_name = "unknown"
        """.replace("\n        ", "\n"))
    rep = ingest_file(db, p, profile=prof)
    assert rep.inserted == 3  # one meeting with two organisations is two contacts
    assert sum(rep.skipped.values()) == 1  # the empty row, counted
    got = _rows(db, "select contact_id, counterpart_name, date, _row from contacts order by contact_id")
    assert sorted(r["counterpart_name"] for r in got) == ["Google", "Microsoft 0801162959-21", "Rail Forum Europe"]
    assert {r["date"] for r in got} == {"2024-03-12", "2024-03-13"}  # 12-03-2024 read day first, as the profile says
    assert sorted(r["_row"] for r in got) == [2, 2, 3]
    assert len({r["contact_id"] for r in got}) == 3 and all(r["contact_id"].startswith("EP-MEET-") for r in got)


def test_value_map_to_skip(tmp_path):
    p = _write(tmp_path, "g.csv", "donor,mp,when,amount\nACME Ltd,A B,2025-01-02,£100\nNil Return,C D,,\n")
    prof = Profile.from_text('kind = "gifts"\n[columns]\ngiver_name = "donor"\nrecipient_name = "mp"\n'
                             'date = "when"\nvalue = "amount"\n[values]\ndonor = { "nil return" = { skip = true } }\n')
    a = prof.apply(p)
    assert len(a.table.frame) == 1 and list(a.skipped.values()) == [1]


def test_shifted_rows_are_repaired(tmp_path):
    text = ("minister,date,provider,kind,value\n"
            "Ann Lee,2025-04-01,Chamber of Commerce,Dinner,40\n"
            "Cabinet Office,Tom Brown,2025-04-03,Institute of Directors,Dinner\n")
    p = _write(tmp_path, "h.csv", text)
    prof = Profile.from_text("""
kind = "contacts"
[[shift]]
columns = ["department", "minister", "date", "provider", "kind", "value"]
when_date = "provider"
unless_date = "date"
[columns]
official_name = "minister"
counterpart_name = "provider"
date = "date"
""".replace('columns = ["department", ', 'columns = ['))
    a = prof.apply(p)
    f = a.table.frame
    assert f["official_name"].tolist() == ["Ann Lee", "Tom Brown"]
    assert f["counterpart_name"].tolist() == ["Chamber of Commerce", "Institute of Directors"]
    assert f["date"].tolist() == ["2025-04-01", "2025-04-03"]


# ------------------------------------------------------------------ money


def test_amount_without_currency_is_an_error_naming_the_column(tmp_path, loaded_db):
    p = _write(tmp_path, "gifts_w1.csv", "gift_id,giver_id,recipient_id,date,value\nG90,P1,O1,2026-03-02,500\n")
    with pytest.raises(InputError) as exc:
        ingest_file(loaded_db, p)
    msg = str(exc.value.problems[0])
    assert "gifts_w1.csv:2:value:" in msg and "currency" in msg
    assert exc.value.problems[0].code == "missing_currency"
    rep = ingest_file(loaded_db, p, currency="EUR")
    assert rep.inserted == 1
    assert _rows(loaded_db, "select currency from gifts where gift_id='G90'")[0]["currency"] == "EUR"


def test_sign_in_the_amount_wins_over_the_file_currency(tmp_path, db):
    p = _write(tmp_path, "h.csv", "provider,minister,date,value\nUS Embassy,Ann Lee,2025-02-01,$100\n"
                                  "BBC,Ann Lee,2025-02-02,50\nRTE,Ann Lee,2025-02-03,€30\n")
    prof = Profile.from_text('kind = "gifts"\ncurrency = "GBP"\n[columns]\ngiver_name = "provider"\n'
                             'recipient_name = "minister"\n')
    rep = ingest_file(db, p, profile=prof)
    assert rep.inserted == 3
    assert {r["giver_name"]: r["currency"] for r in _rows(db, "select giver_name, currency from gifts")} == \
        {"US Embassy": "USD", "BBC": "GBP", "RTE": "EUR"}


def test_currency_per_column(tmp_path, db):
    _write(tmp_path / "u", "units.csv", "unit_id,name\nU1,Ministerio\n")
    ingest_paths(db, [tmp_path / "u"])
    p = _write(tmp_path, "c.csv", "id,buyer,supplier,fecha,importe,moneda\nC1,U1,Acme SL,2025-03-01,\"12.500,75\",EUR\n"
                                  "C2,U1,Acme SL,3 de marzo de 2025,900,USD\n")
    prof = Profile.from_text('kind = "contracts"\ndecimal = ","\n[columns]\ncontract_id = "id"\nunit_id = "buyer"\n'
                             'supplier_name = "supplier"\ndate = "fecha"\namount = "importe"\ncurrency = "moneda"\n')
    ingest_file(db, p, profile=prof)
    got = _rows(db, "select contract_id, date, amount, amount_text, currency from contracts order by contract_id")
    assert got == [{"contract_id": "C1", "date": "2025-03-01", "amount": 12500.75, "amount_text": "12.500,75",
                    "currency": "EUR"},
                   {"contract_id": "C2", "date": "2025-03-03", "amount": 900.0, "amount_text": "900", "currency": "USD"}]


def test_draft_for_a_register_in_another_language(tmp_path):
    """Spanish headers, Excel day numbers for dates, decimal commas and euro signs."""
    p = _write(tmp_path, "regalos.csv", 'Fecha,Donante,Importe,Beneficiario\n45678,Construcciones Pérez SL,'
                                        '"1.234,56 €",Juan García\n45679,Acme SA,"250,00",Ana López\n')
    text = draft(p, "gifts")
    prof = tomllib.loads(text)
    assert prof["decimal"] == "," and prof["currency"] == "EUR" and prof["formats"]["date"][0] == "excel"
    assert prof["columns"] == {"giver_name": "donante", "recipient_name": "beneficiario", "date": "fecha",
                               "value": "importe"}
    (tmp_path / "r.toml").write_text(text, encoding="utf-8")
    res = check(load(tmp_path / "r.toml"), p)
    assert res.problem_count == 0
    assert [(r["date"], r["value"], r["value_text"]) for r in res.preview] == [
        ("2025-01-21", 1234.56, "1.234,56 €"), ("2025-01-22", 250.0, "250,00")]


# ------------------------------------------------------------------ entity kinds, synonyms


def test_entity_kind_of_a_name_column(tmp_path, db):
    _write(tmp_path / "o", "units.csv", "unit_id,name\nU1,Council\n")
    _write(tmp_path / "o", "officials.csv", "official_id,name,unit_id\nO1,Ann Lee,U1\n")
    ingest_paths(db, [tmp_path / "o"])
    p = _write(tmp_path, "g.csv", "giver,official_id,date,value\nBarnfield Construction,O1,2025-01-02,£500\n"
                                  "Jo Bloggs,O1,2025-01-03,£20\n")
    prof = Profile.from_text('kind = "gifts"\n[columns]\ngiver_name = "giver"\nrecipient_id = "official_id"\n'
                             '[entity_kinds]\ngiver_name = "company"\n')
    ingest_file(db, p, profile=prof)
    # both names were created as companies, as the profile says (a name alone would type Jo Bloggs a person)
    assert sorted(r["name"] for r in _rows(db, "select name from companies")) == ["Barnfield Construction",
                                                                                  "Jo Bloggs"]
    assert db["people"].count == 0


GBK_GIFTS = """\
序号,送礼人,收礼人,日期,金额,礼品,备注
1,华鼎科技有限公司,李明,2026年3月2日,￥2.5万,购物卡,
2,王强,李明,2026/3/9,800元,茶叶,已上交
"""


def test_chinese_headers_by_synonym(tmp_path, loaded_db):
    p = _write(tmp_path, "礼品登记.csv", GBK_GIFTS, encoding="gb18030")
    prof = Profile.from_text('kind = "gifts"\nid_prefix = "LP-"\n[ids]\ngift_id = "LP-{序号}"\n')
    rep = ingest_file(loaded_db, p, profile=prof)
    assert rep.inserted == 2
    got = {r["gift_id"]: r for r in _rows(loaded_db, "select * from gifts where gift_id like 'LP-%'")}
    assert got["LP-1"]["value"] == 25000.0 and got["LP-1"]["currency"] == "CNY" and got["LP-1"]["date"] == "2026-03-02"
    assert got["LP-1"]["giver_id"] == "C1"  # 华鼎科技有限公司 is an existing company
    assert got["LP-2"]["description"] == "茶叶" and json.loads(got["LP-2"]["_extra"])["备注"] == "已上交"


# ------------------------------------------------------------------ errors in profiles


def test_profile_errors_name_the_key_or_the_column(tmp_path, db):
    with pytest.raises(InputError, match="'colums'"):
        Profile.from_text('kind = "gifts"\n[colums]\ndate = "d"\n')
    with pytest.raises(InputError, match="'columns.gift_date'"):
        Profile.from_text('kind = "gifts"\n[columns]\ngift_date = "d"\n')
    with pytest.raises(InputError, match="'entity_kinds.giver_name'"):
        Profile.from_text('kind = "gifts"\n[entity_kinds]\ngiver_name = "robot"\n')
    p = _write(tmp_path, "g.csv", "donor,mp,when,amount\nACME Ltd,A B,2025-01-02,£100\n")
    prof = Profile.from_text('kind = "gifts"\n[columns]\ngiver_name = "doner"\n')
    with pytest.raises(InputError) as exc:
        ingest_file(db, p, profile=prof)
    assert "doner" in str(exc.value.problems[0]) and "donor" in str(exc.value.problems[0])
    assert db["batches"].count == 0 if "batches" in db.table_names() else True


# ------------------------------------------------------------------ draft and check


UK_HOSPITALITY = """\
type,minister,date,provider,hospitality_type,value
hospitality,Sir Keir Starmer,Nil Return,Nil Return,Nil Return,Nil Return
hospitality,Darren Jones,2025-09-25,Sky News,Dinner,40
hospitality,Anna Turley,15/09/2025,Holocaust Educational Trust,Dinner,£141
hospitality,Lisa Nandy,03/07/2025,National Theatre,Tickets,Value Unknown
"""


def test_draft_reads_the_file_and_check_passes(tmp_path):
    p = _write(tmp_path, "hospitality.csv", UK_HOSPITALITY)
    text = draft(p, "gifts")
    prof = tomllib.loads(text)  # valid TOML
    assert prof["kind"] == "gifts" and prof["currency"] == "GBP"
    assert prof["columns"]["giver_name"] == "provider" and prof["columns"]["recipient_name"] == "minister"
    assert "%d/%m/%Y" in prof["formats"]["date"]  # day first: 15/09/2025
    assert prof["values"]["value"] == {"Value Unknown": ""}
    assert [v.lower() for v in prof["skip"]["date"]] == ["nil return"]
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    res = check(load(tmp_path / "p.toml"), p)
    assert res.problem_count == 0 and res.records == 3 and sum(res.skipped.values()) == 1
    assert res.preview[1]["date"] == "2025-09-15" and res.preview[1]["value"] == 141.0


def test_draft_guesses_the_kind_and_says_what_is_missing(tmp_path):
    p = _write(tmp_path, "x.csv", "送礼人,收礼人,日期,金额\n王强,李明,2026-03-02,500\n")
    text = draft(p)
    assert 'kind = "gifts"' in text and "currency" in text  # no sign: the user must say the currency
    assert tomllib.loads(text)["columns"] == {"giver_name": "送礼人", "recipient_name": "收礼人", "date": "日期",
                                              "value": "金额"}


def test_profile_cli_draft_and_check(tmp_path):
    p = _write(tmp_path, "hospitality.csv", UK_HOSPITALITY)
    out = tmp_path / "h.toml"
    r = CliRunner().invoke(cli, ["profile", "draft", str(p), "--kind", "gifts", "--out", str(out)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["profile", "check", str(out), str(p), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["records"] == 3 and data["problem_count"] == 0
    bad = _write(tmp_path, "bad.toml", 'kind = "gifts"\n[columns]\ngiver_name = "provider"\nrecipient_name = "minister"\n')
    r = CliRunner().invoke(cli, ["profile", "check", str(bad), str(p)])
    assert r.exit_code == 1 and "15/09/2025" not in r.output or "Nil Return" in r.output


def test_ingest_cli_profile_and_currency(tmp_path):
    p = _write(tmp_path, "g.csv", "donor,mp,when,amount\nACME Ltd,A B,2025-01-02,100\n")
    prof = _write(tmp_path, "p.toml", 'kind = "gifts"\n[columns]\ngiver_name = "donor"\nrecipient_name = "mp"\n'
                                      'date = "when"\nvalue = "amount"\n')
    dbp = tmp_path / "s.db"
    r = CliRunner().invoke(cli, ["ingest", str(p), "--profile", str(prof), "--db", str(dbp), "--quiet"])
    assert r.exit_code != 0 and "g.csv:2:value" in r.output and "currency" in r.output
    r = CliRunner().invoke(cli, ["ingest", str(p), "--profile", str(prof), "--currency", "eur", "--db", str(dbp),
                                 "--quiet", "--format-output", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["files"][0]["inserted"] == 1
    db = store.connect(dbp)
    assert _rows(db, "select currency from gifts")[0]["currency"] == "EUR"


# ------------------------------------------------------------------ package data


def test_mappings_and_profiles_are_package_data():
    """An installed wheel finds every adapter mapping and profile: each file matches a package-data glob."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["graphrisk"]
    files = [f.relative_to(ROOT / "graphrisk").as_posix()
             for d in ("adapters/mappings", "adapters/profiles") for f in (ROOT / "graphrisk" / d).rglob("*.toml")]
    assert files
    for f in files:
        assert any(fnmatch.fnmatch(f, g) for g in globs), f
    for f in (ROOT / "graphrisk" / "adapters" / "profiles").glob("*.toml"):
        load(f)  # every shipped profile is valid


# ------------------------------------------------------------------ the README walk-through and the docs


def _blocks(text: str, lang: str) -> list[str]:
    import re

    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_readme_walkthrough_runs_as_written(tmp_path):
    """The README's profile section, run as a user would: its CSV, its two profiles, its commands."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Writing a profile for a register you just received", 1)[1].split("\n## ", 1)[0]
    csv_text = _blocks(section, "")[0]
    councillors, gifts = _blocks(section, "toml")
    (tmp_path / "council_gifts.csv").write_text(csv_text, encoding="utf-8")
    (tmp_path / "councillors.toml").write_text(councillors, encoding="utf-8")
    (tmp_path / "council-gifts.toml").write_text(gifts, encoding="utf-8")
    (tmp_path / "units.csv").write_text("unit_id,name\nGB-LDS,Leeds City Council\n", encoding="utf-8")
    dbp = str(tmp_path / "council.db")
    run = CliRunner()
    r = run.invoke(cli, ["profile", "draft", str(tmp_path / "council_gifts.csv"), "--kind", "gifts"])
    assert r.exit_code == 0 and tomllib.loads(r.output)["currency"] == "GBP"
    r = run.invoke(cli, ["profile", "check", str(tmp_path / "council-gifts.toml"), str(tmp_path / "council_gifts.csv"),
                         "--format", "json"])
    assert r.exit_code == 0, r.output
    for args in (["ingest", str(tmp_path / "units.csv")],
                 ["ingest", str(tmp_path / "council_gifts.csv"), "--profile", str(tmp_path / "councillors.toml")],
                 ["ingest", str(tmp_path / "council_gifts.csv"), "--profile", str(tmp_path / "council-gifts.toml")]):
        r = run.invoke(cli, [*args, "--db", dbp, "--quiet", "--format-output", "json"])
        assert r.exit_code == 0, (args, r.output)
    rep = json.loads(r.output)["files"][0]
    assert rep["inserted"] == 4 and sum(rep["skipped"].values()) == 1
    db = store.connect(dbp)
    got = _rows(db, "select g.date, g.value, g.currency, g.value_text, o.name from gifts g "
                    "join officials o on o.official_id = g.recipient_id order by g.date, g.giver_name")
    assert [g["date"] for g in got] == ["2025-02-03", "2025-02-14", "2025-02-14", "2025-03-21"]
    assert got[0]["value"] == 120.0 and got[0]["currency"] == "GBP" and got[0]["name"] == "Cllr Jane Smith"
    assert got[-1]["value"] is None and got[-1]["value_text"] == "Not known"
    r = run.invoke(cli, ["ingest", str(tmp_path / "council_gifts.csv"), "--profile", str(tmp_path / "council-gifts.toml"),
                         "--db", dbp, "--quiet", "--format-output", "json"])
    assert json.loads(r.output)["files"][0]["status"] == "unchanged"


def test_docs_show_the_issue_example():
    doc = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    assert ISSUE_EXAMPLE.strip() in doc
    keys = {line.split("`")[1].strip("[]").split(" ")[0] for line in doc.splitlines()
            if line.startswith("| `") and "|" in line[3:]}
    from graphrisk.ingest.profiles import _TOP_KEYS

    assert _TOP_KEYS - {"name", "description"} <= keys | {"kind"}, _TOP_KEYS - keys


def test_header_row_below_a_title(tmp_path, db):
    """Government spreadsheets put a title above the header: header_row says where the table starts."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年第一季度礼品登记表"])
    ws.append([])
    ws.append(["送礼人", "收礼人", "日期", "金额"])
    ws.append(["王强", "李明", "2026-03-02", "500元"])
    ws.append(["陈静", "李明", "2026年3月9日", "1.2万"])
    wb.save(tmp_path / "登记表.xlsx")
    text = draft(tmp_path / "登记表.xlsx")
    assert tomllib.loads(text)["header_row"] == 3
    prof = Profile.from_text(text)
    a = prof.apply(tmp_path / "登记表.xlsx")
    assert a.table.rows.tolist() == [4, 5]  # file rows, as the user sees them
    assert a.table.frame["value"].tolist() == ["500元", "1.2万"] and not a.problems
    csv_path = _write(tmp_path, "gifts.csv", "Register of gifts 2025\n\nDonor,Councillor,Date,Value\n"
                                              "Acme Ltd,Cllr A,2025-02-03,£10\n")
    prof = Profile.from_text('kind = "gifts"\nheader_row = 3\n[columns]\ngiver_name = "Donor"\n'
                             'recipient_name = "Councillor"\n')
    a = prof.apply(csv_path)
    assert a.table.frame["giver_name"].tolist() == ["Acme Ltd"] and a.table.rows.tolist() == [4]


def test_record_ids_are_stable_across_processes(tmp_path):
    """Ids made from content must not depend on the process (set order, hash seeds): re-loading a
    register must find the same records."""
    import os
    import subprocess
    import sys

    p = _write(tmp_path, "g.csv", "giver,official,date,value\nRail Forum Europe,Ann Lee,2025-01-02,€50\n")
    prof = _write(tmp_path, "p.toml", 'kind = "gifts"\n[columns]\ngiver_name = "giver"\nrecipient_name = "official"\n')
    code = ("from graphrisk.ingest.profiles import load; import sys; "
            f"print(load({str(prof)!r}).apply({str(p)!r}).table.frame['gift_id'][0])")
    ids = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout.strip() for seed in (1, 2, 3)}
    assert len(ids) == 1 and next(iter(ids)).startswith("gifts-")


def test_draft_for_a_lobby_meetings_file_in_json_lines(tmp_path):
    p = _write(tmp_path, "meetings.jsonl",
               '{"member":"Anna Example","meeting_date":"2024-03-12T10:00:00Z",'
               '"organisations":"Google; Microsoft 0801162959-21","subject":"AI Act"}\n'
               '{"member":"Anna Example","meeting_date":"2024-03-13T09:00:00+01:00",'
               '"organisations":"Rail Forum Europe","subject":"Rail"}\n')
    text = draft(p)
    prof = tomllib.loads(text)
    assert prof["kind"] == "contacts"
    assert prof["columns"] == {"official_name": "member", "counterpart_name": "organisations",
                               "date": "meeting_date", "note": "subject"}
    assert '# counterpart_name = ";"' in text  # several parties in one cell: offered, not imposed
    assert prof["entity_kinds"] == {"counterpart_name": "unknown"}
    a = Profile.from_text(text.replace('# counterpart_name = ";"', 'counterpart_name = ";"')).apply(p)
    assert a.table.frame["counterpart_name"].tolist() == ["Google", "Microsoft 0801162959-21", "Rail Forum Europe"]
    assert a.table.frame["date"].tolist() == ["2024-03-12", "2024-03-12", "2024-03-13"]
