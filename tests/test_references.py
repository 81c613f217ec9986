"""Name references at ingest: unresolved nodes instead of NULL ids, tie keys after resolution,
linking a name by hand (logged, undoable), kinds of bare names, identifier schemes."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphrisk.cli import cli
from graphrisk.ingest import ingest_file
from graphrisk.resolve import unresolved as unr
from graphrisk.resolve.identifiers import EU_TR, LEI, embedded, ids_of, scheme_of, strip_embedded
from graphrisk.resolve.kinds import classify, guess_kind
from graphrisk.resolve.match import Record, cluster, score_pair
from graphrisk.resolve.references import AMBIGUOUS, LINKED, resolve_references

from .conftest import write_files


def rows(db, sql, params=()):
    return list(db.query(sql, params))


@pytest.fixture
def names_db(loaded_db, tmp_path):
    """The small world plus gifts and ties given by name: 刘芳 is two people (P2, P3)."""
    p = write_files(tmp_path / "n", {
        "gifts_names.csv": """\
            gift_id,giver_name,recipient_id,date,value,currency
            G50,王强,O1,2026-03-01,100,CNY
            G52,刘芳,O1,2026-03-03,100,CNY
            G53,刘芳,O3,2026-03-04,200,CNY
            """,
        "relations_names.csv": """\
            from_id,to_name,relation,share_pct
            O1,华鼎科技有限公司,shareholder,10
            O1,远航建设工程有限责任公司,shareholder,20
            O1,Barnfield Construction,shareholder,5
            """,
    })
    reps = {}
    reps["gifts"] = ingest_file(loaded_db, p / "gifts_names.csv")
    reps["relations"] = ingest_file(loaded_db, p / "relations_names.csv", kind="relations")
    return loaded_db, reps, p


def test_ambiguous_name_becomes_an_unresolved_node_never_null(names_db):
    db, reps, _ = names_db
    got = {r["gift_id"]: r for r in rows(db, "select gift_id, giver_id, giver_name from gifts")}
    assert got["G50"]["giver_id"] == "P1"
    uid = got["G52"]["giver_id"]
    assert uid and uid.startswith("UNR-") and got["G53"]["giver_id"] == uid  # one node per name
    assert rows(db, "select count(*) n from gifts where giver_id is null")[0]["n"] == 0
    row = rows(db, "select * from unresolved where unresolved_id = ?", [uid])[0]
    assert row["name"] == "刘芳" and row["first_batch"] == reps["gifts"].batch_id
    assert set(json.loads(row["kinds"])) >= {"people", "companies"}
    cands = json.loads(row["candidates"])
    assert {c["id"] for c in cands} == {"P2", "P3"} and all(c["score"] > 0 and c["reason"] for c in cands)
    assert reps["gifts"].ambiguous[0]["unresolved_id"] == uid
    assert unr.unresolved_count(db) == 2
    assert unr.summary(db) == {"names": 1, "references": 2, "by_kind": {"gifts": 2}}


def test_unresolved_id_is_stable_across_batches(names_db, tmp_path):
    db, _, _ = names_db
    p = write_files(tmp_path / "again", {"gifts_more.csv": "gift_id,giver_name,recipient_id,date,value,currency\n"
                                                           "G60,刘芳,O1,2026-04-01,50,CNY\n"})
    ingest_file(db, p / "gifts_more.csv")
    ids = {r["giver_id"] for r in rows(db, "select giver_id from gifts where giver_name = '刘芳'")}
    assert len(ids) == 1 and rows(db, "select count(*) n from unresolved")[0]["n"] == 1
    assert unr.unresolved_id("刘芳", ["companies", "people", "officials", "organisations", "public_bodies"]) \
        == unr.unresolved_id(" 劉芳", ["public_bodies", "organisations", "officials", "people", "companies"])


def test_analyses_run_over_unresolved_nodes(names_db):
    from graphrisk.graph import build_graph
    from graphrisk.rules.engine import evaluate

    db, _, _ = names_db
    g = build_graph(db)
    uid = rows(db, "select giver_id from gifts where gift_id = 'G52'")[0]["giver_id"]
    assert g.nodes[uid]["kind"] == "unresolved" and g.has_edge(uid, "O1")
    ev = evaluate(db)  # used to crash: None cannot be a node
    assert ev.flags is not None


def test_second_tie_by_name_is_not_a_duplicate(names_db):
    db, reps, _ = names_db
    rep = reps["relations"]
    assert rep.inserted == 3 and rep.rejected == 0, rep.problems
    ties = rows(db, "select relation_id, to_id from relations where from_id = 'O1' and relation = 'shareholder'")
    assert len(ties) == 3 and all(t["to_id"] and t["relation_id"].endswith(t["to_id"]) for t in ties)
    created = rows(db, "select company_id, name from companies where name = 'Barnfield Construction'")
    assert created, "a name with a business word is a company, not a person"


def test_link_relinks_every_record_and_unlink_restores(names_db):
    db, _, _ = names_db
    uid = rows(db, "select giver_id from gifts where gift_id = 'G52'")[0]["giver_id"]
    res = unr.link(db, "劉芳", "P2", "the wife, per the cadre file")
    assert res["records"] == 2 and res["entity_kind"] == "people"
    assert {r["giver_id"] for r in rows(db, "select giver_id from gifts where giver_name = '刘芳'")} == {"P2"}
    assert unr.unresolved_count(db) == 0 and unr.listing(db) == []
    log = unr.link_log(db)
    assert log[0]["entity_id"] == "P2" and log[0]["reason"] == "the wife, per the cadre file"
    # while the link is in force a new batch resolves the name to P2
    out = resolve_references(db, ["刘芳"], ("people", "companies"), None)
    assert out["刘芳"].action == LINKED and out["刘芳"].entity_id == "P2"
    back = unr.unlink(db, "刘芳", "wrong person")
    assert back["records"] == 2
    assert {r["giver_id"] for r in rows(db, "select giver_id from gifts where giver_name = '刘芳'")} == {uid}
    assert unr.link_log(db)[0]["undone_at"] and unr.unresolved_count(db) == 2
    assert resolve_references(db, ["刘芳"], ("people", "companies"), None)["刘芳"].action == AMBIGUOUS


def test_link_refuses_unknown_names_and_wrong_kinds(names_db):
    db, _, _ = names_db
    with pytest.raises(unr.LinkError):
        unr.link(db, "nobody at all", "P2")
    with pytest.raises(unr.LinkError):
        unr.link(db, "刘芳", "U1")  # a gift's giver cannot be a unit


def test_relinked_records_are_unchanged_on_reingest(names_db):
    db, _, p = names_db
    unr.link(db, "刘芳", "P3")
    rep = ingest_file(db, p / "gifts_names.csv", update=True)
    assert rep.updated == 0 and rep.unchanged == 3


def test_cli_unresolved_link_unlink(names_db, tmp_path):
    db, _, _ = names_db
    path = db.conn.execute("pragma database_list").fetchone()[2]
    db.conn.commit()
    r = CliRunner().invoke(cli, ["entities", "unresolved", "--db", path, "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data[0]["name"] == "刘芳" and [c["id"] for c in data[0]["candidates"]][:2] in (["P2", "P3"], ["P3", "P2"])
    assert len(data[0]["references"]) == 2
    r = CliRunner().invoke(cli, ["entities", "unresolved", "--db", path])
    assert r.exit_code == 0 and "P2" in r.output and "刘芳" in r.output
    r = CliRunner().invoke(cli, ["entities", "link", "刘芳", "P2", "--reason", "checked", "--db", path])
    assert r.exit_code == 0, r.output
    assert "2" in r.output
    r = CliRunner().invoke(cli, ["entities", "unlink", "刘芳", "--db", path])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["entities", "link", "nobody", "P2", "--db", path])
    assert r.exit_code != 0 and "Traceback" not in r.output


# ---------------------------------------------------------------- kinds of bare names

@pytest.mark.parametrize("name, kind", [
    ("Google", None), ("Barnfield Construction", "companies"), ("Rail Forum Europe", "organisations"),
    ("Barnfield Construction Limited", "companies"), ("Richard Bradbury", "people"),
    ("Permanent Representation of Ireland", "public_bodies"), ("Embassy of Qatar", "public_bodies"),
    ("Mr John Smith", "people"), ("The Football Association", "organisations"),
    ("中国红十字会", "organisations"), ("某市住房和城乡建设局", "public_bodies"), ("王强", "people"),
    ("华鼎科技有限公司", "companies"), ("中华慈善总会", "organisations"), ("Verband der Chemischen Industrie", "organisations"),
    ("Beth Rigby, Political Editor, Sky News", "people"), ("President Abbas of Palestine", "public_bodies"),
    ("Asociación Española de Banca", "organisations"), ("Chambre de commerce de Paris", "organisations"),
    ("Gemeinde Zürich", "public_bodies"), ("Ministère de l'Europe et des Affaires étrangères", "public_bodies"),
    ("Deutsche Bank AG", "companies"), ("J. Smith", "people"), ("Hans Müller", "people"),
    ("北京市海淀区人民法院", "public_bodies"), ("浙江大学", "organisations"), ("Tencent Holdings", "companies"),
])
def test_classify_names(name, kind):
    assert classify(name)[0] == kind


def test_names_without_a_legal_form_never_become_people_by_default():
    kinds = ("people", "companies", "organisations", "public_bodies")
    assert guess_kind("Google", kinds) == "companies"
    assert guess_kind("Rail Forum Europe", kinds) == "organisations"
    assert guess_kind("Diageo", ("people", "companies")) == "companies"
    assert guess_kind("Richard Bradbury", kinds) == "people"


def test_unknown_kind_name_meets_companies_and_organisations(tmp_path):
    from graphrisk import store
    from graphrisk.resolve.normalize import normalize_name

    db = store.connect(tmp_path / "k.db")
    db["companies"].insert({"company_id": "C1", "name": "Barnfield Construction Limited",
                            "name_norm": normalize_name("Barnfield Construction Limited")})
    db["organisations"].insert({"organisation_id": "G1", "name": "Rail Forum Europe AISBL",
                                "name_norm": normalize_name("Rail Forum Europe AISBL")})
    kinds = ("people", "companies", "organisations", "public_bodies")
    db["companies"].insert({"company_id": "C2", "name": "Babcock International Group PLC",
                            "name_norm": normalize_name("Babcock International Group PLC")})
    res = resolve_references(db, ["Barnfield Construction", "Rail Forum Europe", "Babcock International"],
                             kinds, None)
    assert res["Barnfield Construction"].entity_id == "C1"
    assert res["Rail Forum Europe"].entity_id == "G1"  # an organisation recorded with its legal form
    assert classify("Babcock International")[0] is None  # unknown kind: compared with every kind
    assert res["Babcock International"].entity_id == "C2"


# ---------------------------------------------------------------- identifier schemes

def test_identifier_schemes():
    assert scheme_of("0801162959-21") == (EU_TR, "0801162959-21")
    assert scheme_of("5493001KJTIIGC8Y1R12") == (LEI, "5493001KJTIIGC8Y1R12")
    assert scheme_of("882843") == ("GB-COH", "00882843")
    assert scheme_of("91350100M000100Y43")[0] == "CN-USCC"
    assert embedded("Microsoft 0801162959-21") == [(EU_TR, "0801162959-21")]
    assert strip_embedded("Microsoft 0801162959-21") == "Microsoft"
    assert ids_of(registration_no="00882843", name="Acme 0801162959-21") == {"GB-COH": "00882843",
                                                                             EU_TR: "0801162959-21"}


def test_ids_in_names_are_strong_and_schemes_only_meet_their_own():
    a = Record("a", "Microsoft 0801162959-21")
    b = Record("b", "Microsoft Corporation", registration_no="0801162959-21")
    c = Record("c", "Microsoft Ireland 1234567890-12")
    assert score_pair(a, b).score == 1.0
    d = score_pair(a, c)
    assert d.conflict and "never merged" in d.reason
    # a Companies House number and an EU register number of one firm do not conflict
    e = Record("e", "Microsoft Ltd", registration_no="01624297")
    assert not score_pair(b, e).conflict
    assert cluster([a, c]).cluster_of["c"] != "a"


def test_name_with_an_embedded_id_links_by_the_id(tmp_path):
    from graphrisk import store
    from graphrisk.resolve.normalize import normalize_name

    db = store.connect(tmp_path / "i.db")
    db["companies"].insert({"company_id": "C9", "name": "MSFT Europe", "registration_no": "0801162959-21",
                            "name_norm": normalize_name("MSFT Europe")})
    res = resolve_references(db, ["Microsoft 0801162959-21", "Google 1234567890-12"], ("companies",), None)
    assert res["Microsoft 0801162959-21"].entity_id == "C9"
    new = res["Google 1234567890-12"]
    assert new.new_row["name"] == "Google" and new.new_row["registration_no"] == "1234567890-12"


@pytest.mark.parametrize("a, b", [
    ("Permanent Representation of Ireland", "Permanent Representation of the Netherlands"),
    ("F Parkinson Ltd", "Parkinson's UK"),
    ("Embassy of France", "Embassy of Finland"),
    ("University of Leeds", "University of Leicester"),
])
def test_known_wrong_links_are_not_links(a, b):
    kinds = {"Permanent": "public_bodies", "Embassy": "public_bodies", "University": "organisations"}
    k = next((v for w, v in kinds.items() if a.startswith(w)), "companies")
    assert score_pair(Record("a", a, k), Record("b", b, k)).score < 0.87


def test_matcher_reasons_read_in_chinese():
    from graphrisk import i18n
    from graphrisk.cli.entities import reason_text

    d = score_pair(Record("a", "Embassy of France", "public_bodies"), Record("b", "Embassy of Finland", "public_bodies"))
    try:
        i18n.set_lang("en")
        assert reason_text(d.reason) == d.reason  # English as it is
        i18n.set_lang("zh")
        zh = reason_text(d.reason)
        assert "用词不同" in zh and "france / finland" in zh
        assert reason_text("similar names (0.73); same region") == "名称相似（0.73）；地区相同"
        assert reason_text("automatic: same normalised name") == "自动合并：规范化后名称相同"
        assert reason_text("something new") == "something new"
    finally:
        i18n.set_lang(None)
