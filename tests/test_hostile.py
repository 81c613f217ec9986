"""Hostile input, faults and confidentiality (issue 14): each case found by the probe is a test here."""
from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphrisk import audit, safeio, store
from graphrisk.cli import cli
from graphrisk.errors import InputError, StoreError
from graphrisk.ingest import ingest_file, ingest_paths
from graphrisk.ingest.readers import read_table

from .conftest import SMALL_WORLD, write_files

GIFTS_HEAD = "gift_id,giver_id,recipient_id,date,value,currency,description,declared\n"


@pytest.fixture(autouse=True)
def _fallback_audit_log(tmp_path, monkeypatch):
    """Commands on read-only stores log to a fallback file: keep it in the test's folder, not the home."""
    monkeypatch.setenv("GRAPHRISK_AUDIT_FILE", str(tmp_path / "fallback-audit.jsonl"))


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def no_traceback(res) -> None:
    text = (res.output or "") + (getattr(res, "stderr", "") or "")
    assert "Traceback" not in text, text
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)


def problems_of(exc: InputError) -> str:
    return "\n".join(str(p) for p in exc.problems) or str(exc)


def rows(db, sql, params=()):
    return [dict(r) for r in db.query(sql, params)]


@pytest.fixture
def world_db(tmp_path):
    folder = write_files(tmp_path / "world", SMALL_WORLD)
    db_path = tmp_path / "store" / "case.db"
    db = store.connect(db_path)
    ingest_paths(db, [folder])
    return db, db_path


# ------------------------------------------------------------------ CSV: high

def test_unbalanced_quote_mid_file_is_an_error_not_swallowed_rows(world_db, tmp_path):
    db, _ = world_db
    text = (GIFTS_HEAD + 'G20,P1,O1,2026-03-01,100,CNY,"open,yes\n'
            "G21,P1,O1,2026-03-02,100,CNY,卡,no\n"
            "G22,P1,O1,2026-03-03,100,CNY,卡,no\n"
            '"closed",P1,O1,2026-03-04,100,CNY,卡,no\n')
    (tmp_path / "gifts_q.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest_file(db, tmp_path / "gifts_q.csv")
    assert "gifts_q.csv:2" in problems_of(exc.value)
    assert "quote" in problems_of(exc.value)
    assert rows(db, "select count(*) n from gifts where gift_id like 'G2_'")[0]["n"] == 0


def test_quoted_line_break_in_a_cell_is_still_read(world_db, tmp_path):
    db, _ = world_db
    text = GIFTS_HEAD + 'G30,P1,O1,2026-03-01,100,CNY,"two\nlines",no\nG31,P1,O1,2026-03-02,100,CNY,卡,no\n'
    (tmp_path / "gifts_ml.csv").write_text(text, encoding="utf-8")
    rep = ingest_file(db, tmp_path / "gifts_ml.csv")
    assert rep.inserted == 2
    got = {r["gift_id"]: r for r in rows(db, "select gift_id, description, _row from gifts where gift_id like 'G3_'")}
    assert got["G30"]["description"] == "two\nlines" and got["G31"]["_row"] == 4


def test_trailing_comma_on_first_data_row_does_not_shift_columns(world_db, tmp_path):
    db, _ = world_db
    text = ("company_id,name,registration_no,region,sector\n"
            "C7,新华贸易有限公司,91110000MA00000007,市本级,贸易,\n"
            "C8,大成建设有限公司,91110000MA00000008,市本级,建设\n")
    (tmp_path / "companies_tc.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest_file(db, tmp_path / "companies_tc.csv")
    assert "companies_tc.csv:2" in problems_of(exc.value) and "6 fields where the header has 5" in problems_of(exc.value)
    rep = ingest_file(db, tmp_path / "companies_tc.csv", skip_bad_rows=True)
    assert rep.inserted == 1
    assert rows(db, "select name from companies where company_id = 'C8'")[0]["name"] == "大成建设有限公司"
    assert not rows(db, "select * from companies where company_id = '新华贸易有限公司'")


def test_utf8_file_with_one_gbk_row_is_an_error_naming_the_line(tmp_path):
    data = ("unit_id,name\nU1,市财政局\nU2,市交通局\n".encode("utf-8") + "U3,市教育局\n".encode("gbk")
            + "U4,市水务局\n".encode("utf-8"))
    (tmp_path / "units.csv").write_bytes(data)
    with pytest.raises(InputError) as exc:
        read_table(tmp_path / "units.csv")
    assert "units.csv:4" in str(exc.value) and "one encoding" in str(exc.value)


def test_utf8_file_with_one_invalid_byte_is_an_error_naming_the_line(tmp_path):
    (tmp_path / "units.csv").write_bytes("unit_id,name\nU1,市财政局\n".encode() + b"U2,bad\xff name\n")
    with pytest.raises(InputError) as exc:
        read_table(tmp_path / "units.csv")
    assert "units.csv:3" in str(exc.value)


def test_gbk_file_is_still_read_whole(tmp_path):
    (tmp_path / "units.csv").write_bytes("unit_id,name\nU1,市财政局\nU2,龍華區財政局\n".encode("gb18030"))
    t = read_table(tmp_path / "units.csv")
    assert list(t.frame["name"]) == ["市财政局", "龍華區財政局"] and t.encoding == "gb18030"


# ------------------------------------------------------------------ XLSX

def _xlsx(path: Path, rows_: list[list], edit=None, sheets: tuple[str, ...] = ()) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "gifts"
    for r in rows_:
        ws.append(r)
    for name in sheets:
        wb.create_sheet(name).append(["x"])
    wb.save(path)
    if edit:
        with zipfile.ZipFile(path) as z:
            members = {n: z.read(n) for n in z.namelist()}
        for name, fn in edit.items():
            members[name] = fn(members.get(name, b"").decode("utf-8")).encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in members.items():
                z.writestr(n, d)
    return path


GIFT_ROWS = [["gift_id", "giver_id", "recipient_id", "date", "value", "currency"],
             ["G40", "P1", "O1", "2026-03-01", 100, "CNY"],
             ["G41", "P1", "O1", "2026-03-02", 200, "CNY"],
             ["G42", "P1", "O1", "2026-03-03", 300, "CNY"]]


def test_xlsx_stale_dimension_loses_nothing(tmp_path):
    import re

    p = _xlsx(tmp_path / "gifts.xlsx", GIFT_ROWS,
              {"xl/worksheets/sheet1.xml": lambda x: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B2"', x)})
    t = read_table(p)
    assert len(t.frame) == 3 and list(t.frame["currency"]) == ["CNY"] * 3 and list(t.rows) == [2, 3, 4]


def test_xlsx_formula_without_cached_value_is_an_error_naming_the_cell(world_db, tmp_path):
    db, _ = world_db
    rows_ = [r[:] for r in GIFT_ROWS]
    rows_[2][5] = '="USD"'
    p = _xlsx(tmp_path / "gifts.xlsx", rows_)
    with pytest.raises(InputError) as exc:
        ingest_file(db, p)
    assert "gifts.xlsx:3:currency" in problems_of(exc.value) and "F3" in problems_of(exc.value)


def test_xlsx_cell_in_column_xfd_is_refused_quickly(tmp_path):
    import re
    import time

    def far(x):
        return re.sub(r"(<c r=\"F(\d+)\"[^>]*>(?:<v>[^<]*</v>|<is>.*?</is>)?</c>)",
                      lambda m: m.group(1) + f'<c r="XFD{m.group(2)}" t="inlineStr"><is><t>x</t></is></c>', x)
    p = _xlsx(tmp_path / "gifts.xlsx", GIFT_ROWS * 200, {"xl/worksheets/sheet1.xml": far})
    t0 = time.perf_counter()
    with pytest.raises(InputError) as exc:
        read_table(p)
    assert "XFD" in str(exc.value) and "max_columns" in str(exc.value)
    assert time.perf_counter() - t0 < 5


def _shared(n: int, runs: bool = False) -> dict:
    """Edits that move cell A2 to a shared-strings table of ``n`` strings (Excel's way; openpyxl writes inline)."""
    def si(i):
        return f"<si><r><t>G{i}</t></r><r><t>x</t></r><rPh><t>ignored</t></rPh></si>" if runs else f"<si><t>G{i}</t></si>"
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
           f' count="{n}" uniqueCount="{n}">' + "".join(si(i) for i in range(n)) + "</sst>")
    rel = ('<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
           'Target="sharedStrings.xml" Id="rId99" /></Relationships>')
    return {"xl/_rels/workbook.xml.rels": lambda x: x.replace("</Relationships>", rel),
            "xl/worksheets/sheet1.xml": lambda x: x.replace('<c r="A2" t="inlineStr"><is><t>G40</t></is></c>',
                                                            '<c r="A2" t="s"><v>1</v></c>'),
            "[Content_Types].xml": lambda x: x, "xl/sharedStrings.xml": lambda _: sst}


def test_xlsx_shared_strings_are_read_and_capped(tmp_path):
    import time

    p = _xlsx(tmp_path / "gifts.xlsx", GIFT_ROWS, _shared(3, runs=True))
    assert read_table(p).frame.iloc[0]["gift_id"] == "G1x"
    with pytest.raises(InputError) as exc:  # a cell points to entry 1: the table is read as far as entry 1
        read_table(p, settings={"limits": {"xlsx_max_shared_strings": 1}})
    assert "shared strings" in str(exc.value)
    assert read_table(p, settings={"limits": {"xlsx_max_shared_strings": 2}}).frame.iloc[0]["gift_id"] == "G1x"
    p = _xlsx(tmp_path / "gifts.xlsx", GIFT_ROWS, _shared(20_000))
    t0 = time.perf_counter()
    assert read_table(p).frame.iloc[0]["gift_id"] == "G1"
    assert time.perf_counter() - t0 < 5


@pytest.mark.parametrize("edit,needle", [
    (lambda x: x[: len(x) // 2], "damaged"),
    (lambda x: x.replace("<worksheet", '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                                       "<worksheet", 1).replace("<t>G40</t>", "<t>&b;</t>"), "DTD"),
])
def test_xlsx_corrupt_xml_or_dtd_is_a_clear_error(tmp_path, edit, needle):
    p = _xlsx(tmp_path / "gifts.xlsx", GIFT_ROWS, {"xl/worksheets/sheet1.xml": edit})
    with pytest.raises(InputError) as exc:
        read_table(p)
    assert needle in str(exc.value) and "gifts.xlsx" in str(exc.value)


def test_xlsx_not_a_zip_is_a_clear_error(tmp_path):
    (tmp_path / "gifts.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputError, match="not readable as XLSX"):
        read_table(tmp_path / "gifts.xlsx")


def test_xlsx_other_sheets_are_named_in_a_warning(world_db, tmp_path):
    db, _ = world_db
    p = _xlsx(tmp_path / "gifts.xlsx", GIFT_ROWS, sheets=("second", "third"))
    rep = ingest_file(db, p)
    assert rep.inserted == 3
    assert any("'second'" in w and "'third'" in w for w in rep.warnings)


def test_xlsx_dates_and_numbers_keep_their_meaning(tmp_path):
    import datetime

    rows_ = [GIFT_ROWS[0], ["G1", "P1", "O1", datetime.date(2026, 3, 2), 1234.5, "CNY"]]
    t = read_table(_xlsx(tmp_path / "gifts.xlsx", rows_))
    assert t.frame.iloc[0]["date"] == "2026-03-02" and t.frame.iloc[0]["value"] == "1234.5"


# ------------------------------------------------------------------ CSV and values: medium and low

def test_huge_field_and_blank_line_no_traceback(world_db, tmp_path):
    db, db_path = world_db
    big = "x" * 200_000
    (tmp_path / "gifts_big.csv").write_text(GIFTS_HEAD + f"G60,P1,O1,2026-03-01,100,CNY,{big},no\n\n",
                                            encoding="utf-8")
    rep = ingest_file(db, tmp_path / "gifts_big.csv")
    assert rep.inserted == 1
    res = run("ingest", tmp_path / "gifts_big.csv", "--db", db_path)
    no_traceback(res)
    (tmp_path / "gifts_huge.csv").write_text(GIFTS_HEAD + f"G61,P1,O1,2026-03-01,100,CNY,{big},no\n\n",
                                             encoding="utf-8")
    with pytest.raises(InputError, match="max_cell_chars"):
        read_table(tmp_path / "gifts_huge.csv", settings={"limits": {"max_cell_chars": 100_000}})


def test_amount_of_400_digits_is_rejected_and_nothing_infinite_is_stored(world_db, tmp_path):
    db, db_path = world_db
    (tmp_path / "gifts_inf.csv").write_text(GIFTS_HEAD + "G70,P1,O1,2026-03-01,1" + "0" * 400 + ",CNY,卡,no\n",
                                            encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest_file(db, tmp_path / "gifts_inf.csv")
    assert "gifts_inf.csv:2:value" in problems_of(exc.value)
    (tmp_path / "gifts_big_amount.csv").write_text(GIFTS_HEAD + "G71,P1,O1,2026-03-01,5e20,CNY,卡,no\n"
                                                   + "G72,P1,O1,2026-03-01,\"2,000,000,000,000,000\",CNY,卡,no\n",
                                                   encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest_file(db, tmp_path / "gifts_big_amount.csv")
    assert "gifts_big_amount.csv:3:value" in problems_of(exc.value)
    assert rows(db, "select count(*) n from gifts where value > 1e15")[0]["n"] == 0
    res = run("paths", "--db", db_path, "--format", "json", "--no-store")
    no_traceback(res)
    assert "Infinity" not in res.output


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_implausible_years_are_rejected(world_db, tmp_path, value):
    db, _ = world_db
    (tmp_path / "gifts_y.csv").write_text(GIFTS_HEAD + f"G80,P1,O1,{value},100,CNY,卡,no\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest_file(db, tmp_path / "gifts_y.csv")
    assert "gifts_y.csv:2:date" in problems_of(exc.value) and "plausible range" in problems_of(exc.value)


def test_comma_list_is_not_an_amount(world_db, tmp_path):
    db, _ = world_db
    (tmp_path / "gifts_c.csv").write_text(GIFTS_HEAD + 'G81,P1,O1,2026-03-01,"1,2,3,4",CNY,卡,no\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest_file(db, tmp_path / "gifts_c.csv")
    assert "gifts_c.csv:2:value" in problems_of(exc.value)


def test_unterminated_quote_at_end_is_reported_on_its_row(tmp_path):
    (tmp_path / "units.csv").write_text('unit_id,name\nU1,a\nU2,b\nU3,"unclosed cell\nU4,d\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_table(tmp_path / "units.csv")
    assert "units.csv:4" in str(exc.value) and "unbalanced quote" in str(exc.value)


def test_nul_bytes_are_rejected_with_row_and_column(world_db, tmp_path):
    db, _ = world_db
    (tmp_path / "units_nul.csv").write_text("unit_id,name\nU9,市\x00财政局\nU1\x00,x\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest_file(db, tmp_path / "units_nul.csv")
    text = problems_of(exc.value)
    assert "units_nul.csv:2:name" in text and "NUL" in text and "units_nul.csv:3:unit_id" in text


def test_duplicate_header_names_are_an_error(tmp_path):
    (tmp_path / "units.csv").write_text("unit_id,name,name\nU1,a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="units.csv:1:name: column appears twice"):
        read_table(tmp_path / "units.csv")


def test_jsonl_nested_objects_and_duplicate_keys_are_errors(tmp_path):
    (tmp_path / "units.jsonl").write_text('{"unit_id": "U1", "name": {"zh": "市财政局"}}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"units.jsonl:1:name: a nested object"):
        read_table(tmp_path / "units.jsonl")
    t = read_table(tmp_path / "units.jsonl", nested=True)
    assert json.loads(t.frame.iloc[0]["name"]) == {"zh": "市财政局"}
    (tmp_path / "units.jsonl").write_text('{"unit_id": "U1", "name": "a", "name": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"units.jsonl:1:name: the key appears twice"):
        read_table(tmp_path / "units.jsonl")


# ------------------------------------------------------------------ ids

def test_lookalike_ids(world_db, tmp_path):
    db, _ = world_db
    # full-width forms are the same id (NFKC): no new entity
    (tmp_path / "units_fw.csv").write_text("unit_id,name,parent_id,region\nＵ１,市财政局,,市本级\n", encoding="utf-8")
    rep = ingest_file(db, tmp_path / "units_fw.csv")
    assert rep.inserted == 0 and rep.unchanged == 1
    # a zero-width space is refused
    (tmp_path / "units_zw.csv").write_text("unit_id,name\nU\u200b1,市财政局\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest_file(db, tmp_path / "units_zw.csv")
    assert "units_zw.csv:2:unit_id" in problems_of(exc.value) and "U+200B" in problems_of(exc.value)
    # Cyrillic О and lower case: stored (they are different ids) but named in a warning
    (tmp_path / "officials_cy.csv").write_text("official_id,name,unit_id\n\u041e1,李明,U1\no3,赵军,U3\n",
                                               encoding="utf-8")
    rep = ingest_file(db, tmp_path / "officials_cy.csv")
    assert any("'O1'" in w for w in rep.warnings) and any("'O3'" in w for w in rep.warnings)
    (tmp_path / "officials_cy2.csv").write_text("official_id,name,unit_id\n\u041e7,李明,U1\n\u041e1,李明,U1\n",
                                                encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest_file(db, tmp_path / "officials_cy2.csv", settings=_settings(limits={"confusable_ids": "error"}))
    assert "officials_cy2.csv:3:official_id" in problems_of(exc.value)


def _settings(**sections):
    from graphrisk import settings as settings_mod

    return settings_mod.load(overrides=sections)


def test_terminal_escapes_and_zero_width_in_messages_are_shown_escaped(world_db, tmp_path):
    _, db_path = world_db
    (tmp_path / "units_esc.csv").write_text("unit_id,name\nU8,\x1b[2J\x1b[31mred\u200b\n", encoding="utf-8")
    res = run("ingest", tmp_path / "units_esc.csv", "--db", db_path)
    no_traceback(res)
    assert res.exit_code == 1
    assert "\x1b" not in res.output and "\u200b" not in res.output
    assert "\\x1b" in res.output


def test_skip_bad_rows_creates_no_entity_named_only_on_rejected_rows(world_db, tmp_path):
    db, _ = world_db
    (tmp_path / "gifts_sk.csv").write_text(
        "gift_id,giver_name,recipient_id,date,value,currency\n"
        "G90,只在坏行出现有限公司,O1,2026-13-45,100,CNY\n"
        "G91,好行出现贸易有限公司,O1,2026-03-01,100,CNY\n", encoding="utf-8")
    rep = ingest_file(db, tmp_path / "gifts_sk.csv", skip_bad_rows=True)
    assert rep.rejected == 1 and rep.inserted == 1
    names = {r["name"] for r in rows(db, "select name from companies union select name from people")}
    assert "好行出现贸易有限公司" in names and "只在坏行出现有限公司" not in names


# ------------------------------------------------------------------ faults

def test_update_with_an_earlier_version_restores_its_values(world_db, tmp_path):
    db, _ = world_db
    v1 = GIFTS_HEAD + "G95,P1,O1,2026-03-01,100,CNY,卡,no\n"
    v2 = GIFTS_HEAD + "G95,P1,O1,2026-03-01,900,CNY,卡,no\n"
    f = tmp_path / "gifts_v.csv"
    f.write_text(v1, encoding="utf-8")
    ingest_file(db, f)
    f.write_text(v2, encoding="utf-8")
    ingest_file(db, f, update=True)
    f.write_text(v1, encoding="utf-8")
    rep = ingest_file(db, f, update=True)
    assert rep.updated == 1 and rows(db, "select value from gifts where gift_id = 'G95'")[0]["value"] == 100


def test_write_lock_held_too_long_is_a_clear_message(world_db, tmp_path):
    _, db_path = world_db
    holder = sqlite3.connect(str(db_path))
    holder.execute("BEGIN IMMEDIATE")
    try:
        cfg = tmp_path / "fast.toml"
        cfg.write_text("[limits]\nlock_timeout = 0.5\n", encoding="utf-8")
        (tmp_path / "gifts_l.csv").write_text(GIFTS_HEAD + "G96,P1,O1,2026-03-01,100,CNY,卡,no\n", encoding="utf-8")
        res = run("ingest", tmp_path / "gifts_l.csv", "--db", db_path, "--config", cfg)
    finally:
        holder.rollback()
        holder.close()
    no_traceback(res)
    assert res.exit_code == 1 and "locked" in res.output


def test_two_ingests_of_one_file_at_once(tmp_path):
    folder = write_files(tmp_path / "world", {k: v for k, v in SMALL_WORLD.items() if k in ("units.csv",)})
    db_path = tmp_path / "c.db"
    store.connect(db_path).conn.close()
    code = ("import sys; from graphrisk.cli import main; sys.argv = ['graphrisk', 'ingest', sys.argv[1], "
            "'--db', sys.argv[2], '--quiet']; main()")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(folder / "units.csv"), str(db_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert "Traceback" not in out + err, err
        assert p.returncode == 0, err
    db = store.connect(db_path)
    assert rows(db, "select count(*) n from units")[0]["n"] == 3
    assert rows(db, "select count(*) n from batches where status = 'ok'")[0]["n"] == 1


def test_read_only_store_opens_for_reads_and_writes_fail_cleanly(world_db, monkeypatch):
    _, db_path = world_db
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if mode & os.W_OK else real(p, mode, *a, **k))
    res = run("info", "--db", db_path, "--format", "json")
    no_traceback(res)
    assert res.exit_code == 0 and json.loads(res.output[: res.output.rindex("}") + 1])["counts"]["gifts"] == 2
    res = run("flags", "--db", db_path)
    no_traceback(res)
    assert res.exit_code == 1 and "read-only" in res.output
    res = run("flags", "--db", db_path, "--no-store", "--format", "json")
    no_traceback(res)
    assert res.exit_code == 0


def test_disk_full_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "out" / "report.json"
    safeio.write_text(target, '{"old": true}\n')

    def full(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        safeio.write_text(target, '{"new": true}\n' * 1000)
    assert target.read_text() == '{"old": true}\n'
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]


def test_disk_full_in_a_command_is_one_line(world_db, tmp_path, monkeypatch):
    _, db_path = world_db

    def full(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", full)
    res = run("flags", "--db", db_path, "--no-store", "--out", tmp_path / "o" / "flags.json")
    no_traceback(res)
    assert res.exit_code == 1 and "disk is full" in res.output
    assert not (tmp_path / "o" / "flags.json").exists()


# ------------------------------------------------------------------ confidentiality

FORMULAS = ["=HYPERLINK(\"http://x\",\"a\")", "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-2+3"]


def test_csv_outputs_escape_formulas(tmp_path):
    world = dict(SMALL_WORLD)
    world["people.csv"] = world["people.csv"].replace("王强", FORMULAS[0].replace('"', '""').join('""'))
    world["units.csv"] = world["units.csv"].replace("市财政局,,", "\"=cmd|' /C calc'!A0\",,")
    folder = write_files(tmp_path / "world", world)
    db_path = tmp_path / "s.db"
    ingest_paths(store.connect(db_path), [folder])
    res = run("flags", "--db", db_path, "--format", "csv", "--no-store", "--level", "green")
    assert res.exit_code == 0, res.output
    cells = [c for row in csv.reader(io.StringIO(res.output)) for c in row]
    assert not any(c.startswith(("=", "@", "+")) for c in cells)
    assert any(c.startswith("'=") for c in cells)
    res = run("centrality", "--db", db_path, "--format", "csv", "--no-store", "--measure", "degree")
    assert res.exit_code == 0, res.output
    cells = [c for row in csv.reader(io.StringIO(res.output)) for c in row]
    assert not any(c.startswith(("=", "@")) for c in cells) and any(c.startswith("'=") for c in cells)
    # rejects CSV
    (tmp_path / "gifts_x.csv").write_text(GIFTS_HEAD + "G1x,@SUM(1+1),O1,not a date,100,CNY,\"=1+2\",no\n",
                                          encoding="utf-8")
    rep = ingest_file(store.connect(db_path), tmp_path / "gifts_x.csv", skip_bad_rows=True)
    text = Path(rep.rejects_path).read_text(encoding="utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert "'@SUM(1+1)" in cells and "'=1+2" in cells and not any(c.startswith(("=", "@")) for c in cells)


def test_store_and_outputs_are_private(tmp_path):
    folder = write_files(tmp_path / "world", SMALL_WORLD)
    db_path = tmp_path / "new" / "case.db"
    res = run("ingest", folder, "--db", db_path, "--quiet")
    assert res.exit_code == 0, res.output
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    for side in ("-wal", "-shm"):
        p = Path(str(db_path) + side)
        if p.exists():
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0
    out = tmp_path / "o1" / "o2" / "flags.json"
    assert run("flags", "--db", db_path, "--out", out, "--no-store").exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700 == stat.S_IMODE(out.parent.parent.stat().st_mode)
    res = run("map", "--db", db_path, "--official", "O1", "--out", tmp_path / "maps" / "o1.html")
    assert res.exit_code == 0, res.output
    assert stat.S_IMODE((tmp_path / "maps" / "o1.html").stat().st_mode) == 0o600


def test_private_files_setting_relaxes_modes(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHRISK_PRIVATE_FILES", "false")
    old = os.umask(0o022)
    try:
        p = safeio.write_text(tmp_path / "shared" / "x.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(p.stat().st_mode) == 0o644


def test_audit_log_records_reads_exports_and_no_store_runs(world_db, tmp_path):
    _, db_path = world_db
    out = tmp_path / "m.html"
    assert run("info", "--db", db_path).exit_code == 0
    assert run("flags", "--db", db_path, "--no-store", "--format", "json").exit_code == 0
    assert run("map", "--db", db_path, "--official", "O1", "--out", out).exit_code == 0
    assert run("paths", "--db", db_path, "--official", "NOPE").exit_code != 0
    db = store.connect(db_path)
    log = audit.entries(db)
    commands = [e["command"] for e in log]
    assert commands[-4:] == ["graphrisk info", "graphrisk flags", "graphrisk map", "graphrisk paths"]
    last = log[-4:]
    assert all(e["user"] and e["host"] and e["at"] and e["data_version"] for e in last)
    assert last[1]["params"]["no_store"] is True
    assert last[2]["outputs"] == [{"path": str(out.resolve()), "sha256": safeio.sha256_file(out)}]
    assert last[3]["status"] != 0 and "NOPE" in last[3]["message"]
    res = run("audit", "verify", "--db", db_path)
    assert res.exit_code == 0 and "intact" in res.output


def test_audit_log_tampering_shows(world_db):
    _, db_path = world_db
    run("info", "--db", db_path)
    run("info", "--db", db_path)
    conn = sqlite3.connect(str(db_path))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("update audit set user = 'someone' where id = 1")
    conn.execute("drop trigger audit_no_update")
    conn.execute("update audit set user = 'someone' where id = 1")
    conn.commit()
    conn.close()
    res = run("audit", "verify", "--db", db_path)
    assert res.exit_code == 1 and "entry 1" in res.output and "edited" in res.output


def test_paths_inside_outputs_are_relative_to_the_store(tmp_path):
    folder = write_files(tmp_path / "cases" / "secret-case" / "registers", SMALL_WORLD)
    db_path = tmp_path / "cases" / "secret-case" / "case.db"
    ingest_paths(store.connect(db_path), [folder.resolve()])
    out = tmp_path / "rep"
    res = run("report", "--db", db_path, "--since", "2026-01-01", "--until", "2026-12-31", "--out", out, "--quiet",
              "--no-store")
    assert res.exit_code == 0, res.output
    res = run("map", "--db", db_path, "--official", "O1", "--out", tmp_path / "m.html")
    assert res.exit_code == 0, res.output
    for f in [out / "report.json", tmp_path / "m.html", *out.glob("*.csv")]:
        assert str(tmp_path) not in f.read_text(encoding="utf-8-sig"), f
    assert "registers/gifts.csv" in (out / "report.json").read_text(encoding="utf-8")


# ------------------------------------------------------------------ every command against hostile stores and inputs

def _commands():
    import click

    def walk(group, path=()):
        for name, c in sorted(group.commands.items()):
            if isinstance(c, click.Group):
                yield from walk(c, path + (name,))
            else:
                yield path + (name,), c
    # demo and sample build a whole synthetic world: covered by their own tests
    return [(p, c) for p, c in walk(cli) if p[0] not in ("demo", "sample", "config")]


def _args(path, command, tmp: Path, hostile_file: Path) -> list[str]:
    import click

    out = list(path)
    for prm in command.params:
        if isinstance(prm, click.Argument) and prm.required:
            if prm.name in ("paths", "file"):
                out.append(str(hostile_file))
            elif prm.name == "profile_path":
                out.append(str(tmp / "no-such-profile.toml"))
            elif prm.name in ("official",):
                out.append("O1")
            else:
                out.append("\u200bX\x1b[2J")
        elif isinstance(prm, click.Option) and prm.required:
            if isinstance(prm.type, click.Choice):
                out += [prm.opts[0], prm.type.choices[0]]
            elif prm.name.startswith("out"):
                out += [prm.opts[0], str(tmp / "out" / "x.out")]
            else:
                out += [prm.opts[0], "=HYPERLINK(\"x\")"]
    if path == ("map",):
        out += ["--official", "O1", "--out", str(tmp / "out" / "m.html")]
    return out


HOSTILE_NAMES = {"王强": "=HYPERLINK(\"\"http://x\"\",\"\"a\"\")王\u200b强", "华鼎科技有限公司": "<img src=x onerror=alert(1)>有限公司"}


@pytest.mark.parametrize("case", ["missing", "garbage", "folder", "readonly", "locked", "world"])
def test_every_command_against_hostile_stores_gives_no_traceback(tmp_path, monkeypatch, case):
    world = dict(SMALL_WORLD)
    for k, v in HOSTILE_NAMES.items():
        world["people.csv"] = world["people.csv"].replace(k, f'"{v}"') if k == "王强" else world["people.csv"]
        world["companies.csv"] = world["companies.csv"].replace(k, v) if k != "王强" else world["companies.csv"]
    folder = write_files(tmp_path / "world", world)
    hostile = tmp_path / "gifts_hostile.csv"
    hostile.write_bytes(GIFTS_HEAD.encode() + b'G1,P1,O1,0001-01-01,1' + b"0" * 400 + b',CNY,"open,yes\n'
                        + "G2,P1,O1,2026-03-01,1,2,3,4,CNY,\u200b\n".encode() + b"G3,P1,O1,2026-03-01,\xff\x00,CNY,x,no\n")
    db_path = tmp_path / "store" / "case.db"
    holder = None
    cfg = tmp_path / "settings.toml"
    cfg.write_text("[limits]\nlock_timeout = 0.3\n", encoding="utf-8")
    monkeypatch.setenv("GRAPHRISK_CONFIG", str(cfg))
    if case == "garbage":
        db_path.parent.mkdir(parents=True)
        db_path.write_bytes(b"\x00\xffnot a database" * 100)
    elif case == "folder":
        db_path.mkdir(parents=True)
    elif case in ("readonly", "locked", "world"):
        ingest_paths(store.connect(db_path), [folder])
    failures = []
    try:
        if case == "readonly":
            real = os.access
            monkeypatch.setattr(os, "access",
                                lambda p, mode, *a, **k: False if mode & os.W_OK else real(p, mode, *a, **k))
        if case == "locked":
            holder = sqlite3.connect(str(db_path))
            holder.execute("BEGIN IMMEDIATE")
        for path, command in _commands():
            args = _args(path, command, tmp_path, hostile) + ["--db", str(db_path)]
            res = run(*args)
            text = (res.output or "")
            if "Traceback" in text or not (res.exception is None or isinstance(res.exception, SystemExit)):
                failures.append(f"{' '.join(path)}: {res.exception!r} {text[-300:]}")
            elif res.exit_code not in (0, 1, 2):
                failures.append(f"{' '.join(path)}: exit {res.exit_code}")
            elif "\x1b[2J" in text:
                failures.append(f"{' '.join(path)}: terminal escape echoed raw")
            if case == "missing" and path != ("ingest",):  # ingest is the one command that makes a store
                assert not db_path.exists(), f"{' '.join(path)} created a store that was not there"
            if case == "missing" and db_path.exists():
                for f in db_path.parent.glob(db_path.name + "*"):
                    f.unlink()
    finally:
        if holder is not None:
            holder.rollback()
            holder.close()
    assert not failures, "\n".join(failures)


def test_encrypted_store_is_opt_in(tmp_path, monkeypatch):
    pytest.importorskip("sqlcipher3", reason="SQLCipher (pip install 'graphrisk[encrypted]') not installed")
    folder = write_files(tmp_path / "world", SMALL_WORLD)
    db_path = tmp_path / "secret.db"
    monkeypatch.setenv("GRAPHRISK_KEY", "correct horse 'battery'")
    res = run("ingest", folder, "--db", db_path, "--quiet")
    assert res.exit_code == 0, res.output
    assert not db_path.read_bytes().startswith(b"SQLite format 3")
    res = run("flags", "--db", db_path, "--format", "json", "--level", "green")
    assert res.exit_code == 0 and "O1" in res.output
    assert run("audit", "verify", "--db", db_path).exit_code == 0
    monkeypatch.setenv("GRAPHRISK_KEY", "wrong")
    res = run("info", "--db", db_path)
    no_traceback(res)
    assert res.exit_code == 1 and "key is wrong" in res.output
    monkeypatch.delenv("GRAPHRISK_KEY")
    res = run("info", "--db", db_path)
    no_traceback(res)
    assert res.exit_code == 1 and "GRAPHRISK_KEY" in res.output


def test_runs_are_stamped_with_the_data_version_they_read(world_db, tmp_path, monkeypatch):
    import graphrisk.rules.engine as rules_engine
    from graphrisk.engine import evaluation

    db, _ = world_db
    before = store.data_version(db)
    late = tmp_path / "gifts_late.csv"
    late.write_text(GIFTS_HEAD + "G99,P1,O1,2026-03-05,100,CNY,卡,no\n", encoding="utf-8")
    real = rules_engine.paths_for_rules

    def overlapping(G, settings):
        ingest_file(db, late)  # an ingest lands while this evaluation is running
        return real(G, settings)
    monkeypatch.setattr(rules_engine, "paths_for_rules", overlapping)
    ev = evaluation(db, reuse=False)
    assert db["runs"].get(ev.run_id)["data_version"] == before != store.data_version(db)
    monkeypatch.setattr(rules_engine, "paths_for_rules", real)
    again = evaluation(db)
    assert not again.reused and again.data_version == store.data_version(db)


def test_more_hostile_shapes_are_clear_errors(world_db, tmp_path):
    db, _ = world_db
    (tmp_path / "units.jsonl").write_text('{"unit_id": "U1", "name": ' + "9" * 5000 + "}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"units.jsonl:1"):
        read_table(tmp_path / "units.jsonl")
    (tmp_path / "units2.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"units2.jsonl:1"):
        read_table(tmp_path / "units2.jsonl", kind="units")
    p = _xlsx(tmp_path / "gifts.xlsx", GIFT_ROWS, _shared(3))
    with zipfile.ZipFile(p) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"].replace(b'<v>1</v>', b'<v>-1</v>', 1)
    with zipfile.ZipFile(p, "w") as z:
        for n, d in members.items():
            z.writestr(n, d)
    with pytest.raises(InputError, match="damaged"):
        read_table(p)
    rep_path = tmp_path / "gifts_ml2.csv"
    rep_path.write_text(GIFTS_HEAD + 'G97,P1,O1,2026-03-01,100,CNY,"line one\nline two",no\n', encoding="utf-8")
    rep = ingest_file(db, rep_path)
    assert rep.inserted == 1 and any("line breaks" in w and "2" in w for w in rep.warnings)


def test_outputs_never_replace_the_store_a_device_or_a_symlink(world_db, tmp_path):
    _, db_path = world_db
    before = safeio.sha256_file(db_path)
    res = run("flags", "--db", db_path, "--no-store", "--out", db_path)
    no_traceback(res)
    assert res.exit_code == 1 and "store itself" in res.output and safeio.sha256_file(db_path) == before
    real = tmp_path / "real.json"
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert run("flags", "--db", db_path, "--no-store", "--out", link).exit_code == 0
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8")) is not None
    # a device is written to, never renamed over (as root a rename would replace /dev/null itself)
    assert run("flags", "--db", db_path, "--no-store", "--out", "/dev/null").exit_code == 0
    assert not Path("/dev/null").is_file()


def test_inputs_that_are_devices_or_too_big_are_refused(world_db, tmp_path):
    db, _ = world_db
    dev = tmp_path / "gifts_dev.csv"
    dev.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        ingest_file(db, dev)
    (tmp_path / "gifts_big.csv").write_text(GIFTS_HEAD + "G98,P1,O1,2026-03-01,100,CNY,卡,no\n", encoding="utf-8")
    with pytest.raises(InputError, match="max_file_bytes"):
        read_table(tmp_path / "gifts_big.csv", settings={"limits": {"max_file_bytes": 10}})


def test_profile_header_row_goes_through_the_hardened_reader(tmp_path):
    from graphrisk.ingest.profiles import Profile

    prof = Profile.from_text('kind = "gifts"\nheader_row = 3\n[columns]\ngiver_name = "Donor"\n'
                             'recipient_name = "Councillor"\n')
    good = tmp_path / "gifts.csv"
    good.write_text("Register of gifts 2025\n\nDonor,Councillor,Date,Value\nAcme Ltd,Cllr A,2025-02-03,£10\n",
                    encoding="utf-8")
    assert prof.apply(good).table.rows.tolist() == [4]
    bad = tmp_path / "gifts_bad.csv"
    bad.write_text('Register "2025\n\nDonor,Councillor,Date,Value\nAcme Ltd,"Cllr A,2025-02-03,£10\n'
                   "Beta Ltd,Cllr B,2025-02-04,£20\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"gifts_bad.csv:4"):
        prof.apply(bad)
    mixed = tmp_path / "gifts_mixed.csv"
    mixed.write_bytes("Register\n\nDonor,Councillor,Date,Value\nAcme,Cllr A,2025-02-03,£10\n".encode("utf-8")
                      + "王强,Cllr B,2025-02-04,20\n".encode("gbk"))
    with pytest.raises(InputError, match=r"gifts_mixed.csv:5"):
        prof.apply(mixed)


def test_names_with_invisible_characters_show_escaped_in_tables(tmp_path):
    world = dict(SMALL_WORLD)
    world["officials.csv"] = world["officials.csv"].replace("李明", "李\u200b明\u202e")
    folder = write_files(tmp_path / "world", world)
    db_path = tmp_path / "s.db"
    ingest_paths(store.connect(db_path), [folder])
    res = run("flags", "--db", db_path, "--no-store", "--level", "green")
    assert res.exit_code == 0, res.output
    assert "\u200b" not in res.output and "\u202e" not in res.output and "\\u200b" in res.output


def test_store_in_a_read_only_folder_opens_immutable_for_reads(world_db, monkeypatch):
    db, db_path = world_db
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if mode & os.W_OK else real(p, mode, *a, **k))
    ro = store.connect(db_path, create=False)
    assert ro.readonly and ro["gifts"].count == 2
    with pytest.raises(sqlite3.DatabaseError):
        ro.conn.execute("insert into gifts (gift_id) values ('X')")
    res = run("info", "--db", db_path)
    no_traceback(res)
    assert res.exit_code == 0 and "read-only" in res.output  # the note: the entry went to the fallback log


def test_values_under_a_column_without_a_name_are_not_dropped_unseen(world_db, tmp_path):
    db, _ = world_db
    (tmp_path / "units_nn.csv").write_text("unit_id,,name,\nU8,x,市局,\nU9,,市局二,\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest_file(db, tmp_path / "units_nn.csv")
    assert "units_nn.csv:2" in problems_of(exc.value) and "column 2" in problems_of(exc.value)
    assert "units_nn.csv:3" not in problems_of(exc.value)


def test_a_bad_date_limit_in_the_settings_is_named(world_db, tmp_path):
    _, db_path = world_db
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[limits]\nmin_date = "1900/01/01"\n', encoding="utf-8")
    (tmp_path / "gifts_s.csv").write_text(GIFTS_HEAD + "G93,P1,O1,2026-03-01,100,CNY,卡,no\n", encoding="utf-8")
    res = run("ingest", tmp_path / "gifts_s.csv", "--db", db_path, "--config", cfg)
    no_traceback(res)
    assert res.exit_code == 1 and "min_date" in res.output


def test_xlsx_id_number_typed_as_a_number_is_refused_not_stored_wrong(world_db, tmp_path):
    db, _ = world_db
    rows_ = [["person_id", "name", "id_number"], ["P50", "周敏", "placeholder"]]
    p = _xlsx(tmp_path / "people.xlsx", rows_, {"xl/worksheets/sheet1.xml": lambda x: x.replace(
        '<c r="C2" t="inlineStr"><is><t>placeholder</t></is></c>', '<c r="C2"><v>1.10101197001010E+17</v></c>')})
    with pytest.raises(InputError) as exc:
        ingest_file(db, p)
    assert "people.xlsx:2:id_number" in problems_of(exc.value) and "C2" in problems_of(exc.value)


def test_csv_id_number_shortened_by_a_spreadsheet_is_refused(world_db, tmp_path):
    db, _ = world_db
    (tmp_path / "people_e.csv").write_text("person_id,name,id_number\nP51,周敏,1.10101E+17\nP52,吴刚,110101198001010099\n",
                                           encoding="utf-8")
    with pytest.raises(InputError) as exc:
        ingest_file(db, tmp_path / "people_e.csv")
    assert "people_e.csv:2:id_number" in problems_of(exc.value) and "people_e.csv:3" not in problems_of(exc.value)


def test_an_identifier_with_a_letter_e_is_not_taken_for_a_spreadsheet_number(tmp_path):
    from graphrisk import store as store_mod
    from graphrisk.ingest import ingest_paths

    (tmp_path / "companies.csv").write_text("company_id,name,registration_no\n"
                                            "C1,江西某某科技有限公司,913601007E18205423\n", encoding="utf-8")
    db = store_mod.connect(tmp_path / "s.db")
    ingest_paths(db, [tmp_path / "companies.csv"])
    assert db.execute("select registration_no from companies").fetchone()[0] == "913601007E18205423"


def test_lookalike_ids_within_one_file_and_an_id_met_again(world_db, tmp_path):
    db, _ = world_db
    # two new ids that display alike, in one file, neither stored: each names the other
    (tmp_path / "companies_alike.csv").write_text(
        "company_id,name\nCX\u041e9,甲公司\nCXO9,乙公司\nCX77,丙公司\n", encoding="utf-8")
    rep = ingest_file(db, tmp_path / "companies_alike.csv")
    alike = [w for w in rep.warnings if "CXO9" in w or "CX\\u041e9" in w]
    assert len(alike) == 2 and not any("CX77" in w for w in rep.warnings)
    # the same ids again (stored now, unchanged): an id is never its own look-alike, the pair still is
    (tmp_path / "companies_again.csv").write_text("company_id,name\nCX77,丙公司\nCXO9,乙公司\n", encoding="utf-8")
    rep = ingest_file(db, tmp_path / "companies_again.csv")
    assert not any("CX77" in w for w in rep.warnings)
    assert any("CXO9" in w and "CX\\u041e9" in w for w in rep.warnings)
