from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphrisk import store
from graphrisk.cli import cli
from graphrisk.errors import InputError
from graphrisk.ingest import ingest_file, ingest_paths

from .conftest import SMALL_WORLD, write_files

ROOT = Path(__file__).resolve().parents[1]


def rows(db, sql, params=()):
    return list(db.query(sql, params))


def test_folder_loads_in_dependency_order(loaded_db):
    counts = store.counts(loaded_db)
    assert counts == {"units": 3, "officials": 3, "people": 4, "companies": 2, "relations": 5,
                      "contacts": 2, "gifts": 2, "trips": 2, "contracts": 2, "organisations": 0,
                      "public_bodies": 0, "memberships": 0, "decisions": 0}


def test_values_are_parsed_and_originals_kept(loaded_db):
    g = rows(loaded_db, "select * from gifts where gift_id = 'G1'")[0]
    assert g["value"] == 20000.0 and g["value_text"] == "20,000" and g["declared"] == 0
    o = rows(loaded_db, "select * from officials where official_id = 'O2'")[0]
    assert o["name"] == "張　偉" and o["name_norm"] == "张伟"
    t = rows(loaded_db, "select participants from trips where trip_id = 'T1'")[0]
    assert t["participants"] == "O2"


def test_provenance_round_trip(loaded_db, small_world):
    r = rows(loaded_db, "select g._row, b.path, b.sha256 from gifts g join batches b on b.id = g._batch "
                        "where gift_id = 'G2'")[0]
    assert Path(r["path"]) == small_world / "gifts.csv"
    assert r["_row"] == 3  # header is row 1, G1 row 2, G2 row 3
    lines = (small_world / "gifts.csv").read_text().splitlines()
    assert lines[r["_row"] - 1].startswith("G2,")


def test_reingest_same_file_changes_nothing(loaded_db, small_world):
    before = store.counts(loaded_db), loaded_db["batches"].count
    reports, _ = ingest_paths(loaded_db, [small_world])
    assert all(r.status == "unchanged" for r in reports)
    assert "nothing changed" in reports[0].message
    assert (store.counts(loaded_db), loaded_db["batches"].count) == before


def test_same_records_in_another_file_are_unchanged(loaded_db, tmp_path):
    p = write_files(tmp_path / "again", {"gifts_copy.csv": SMALL_WORLD["gifts.csv"] + "\n"})
    rep = ingest_file(loaded_db, p / "gifts_copy.csv")
    assert (rep.inserted, rep.unchanged, rep.status) == (0, 2, "ok")


def _expect_rejected(db, path, *fragments, kind=None):
    before = store.counts(db), db["batches"].count
    with pytest.raises(InputError) as exc:
        ingest_file(db, path, kind=kind)
    text = "\n".join(str(p) for p in exc.value.problems) or str(exc.value)
    for frag in fragments:
        assert frag in text, text
    assert (store.counts(db), db["batches"].count) == before, "a rejected batch wrote something"
    return exc.value


def test_missing_required_column(loaded_db, tmp_path):
    p = write_files(tmp_path, {"gifts_bad.csv": "gift_id,giver_id,recipient_id,value\nG9,P1,O1,100\n"})
    _expect_rejected(loaded_db, p / "gifts_bad.csv", "gifts_bad.csv:1:date: required column 'date' is missing")


def test_bad_date_and_negative_amount_listed_together(loaded_db, tmp_path):
    p = write_files(tmp_path, {"gifts_bad.csv": """\
        gift_id,giver_id,recipient_id,date,value,currency
        G10,P1,O1,2026-02-30,100,CNY
        G11,P1,O1,2026-03-01,-500,CNY
        G12,P1,O1,next week,abc,CNY
        """})
    err = _expect_rejected(loaded_db, p / "gifts_bad.csv",
                           "gifts_bad.csv:2:date: not a calendar date", "gifts_bad.csv:3:value: negative amount",
                           "gifts_bad.csv:4:date: not a date", "gifts_bad.csv:4:value: not an amount")
    assert len(err.problems) == 4


def test_duplicate_id_with_other_content_in_file(loaded_db, tmp_path):
    p = write_files(tmp_path, {"gifts_dup.csv": """\
        gift_id,giver_id,recipient_id,date,value,currency
        G20,P1,O1,2026-03-01,100,CNY
        G20,P1,O1,2026-03-01,900,CNY
        """})
    _expect_rejected(loaded_db, p / "gifts_dup.csv", "gifts_dup.csv:3:gift_id: duplicate id 'G20' (also on row 2)")


def test_exact_duplicate_rows_are_stored_once_and_reported(loaded_db, tmp_path):
    p = write_files(tmp_path, {"gifts_dup.csv": """\
        gift_id,giver_id,recipient_id,date,value,currency
        G21,P1,O1,2026-03-01,100,CNY
        G21,P1,O1,2026-03-01,100,CNY
        """})
    rep = ingest_file(loaded_db, p / "gifts_dup.csv")
    assert (rep.inserted, rep.duplicates) == (1, 1)
    assert "duplicate" in rep.message


def test_changed_record_is_an_error_unless_update(loaded_db, tmp_path):
    changed = SMALL_WORLD["gifts.csv"].replace('"20,000"', '"25,000"')
    p = write_files(tmp_path, {"gifts_v2.csv": changed})
    _expect_rejected(loaded_db, p / "gifts_v2.csv", "gifts_v2.csv:2:gift_id: id 'G1' is already stored",
                     "--update")
    rep = ingest_file(loaded_db, p / "gifts_v2.csv", update=True)
    assert (rep.updated, rep.unchanged) == (1, 1)
    assert rows(loaded_db, "select value from gifts where gift_id='G1'")[0]["value"] == 25000
    hist = rows(loaded_db, "select * from history where record_id = 'G1'")
    assert len(hist) == 1 and json.loads(hist[0]["data"])["value"] == 20000


def test_dangling_reference_names_the_id(loaded_db, tmp_path):
    p = write_files(tmp_path, {"gifts_ref.csv": """\
        gift_id,giver_id,recipient_id,date,value,currency
        G30,P404,O1,2026-03-01,100,CNY
        """})
    _expect_rejected(loaded_db, p / "gifts_ref.csv", "gifts_ref.csv:2:giver_id: unknown id 'P404'")


def test_dangling_participant(loaded_db, tmp_path):
    p = write_files(tmp_path, {"trips_x.csv": """\
        trip_id,official_id,destination,start_date,participants
        T9,O1,上海,2026-03-01,O2;O999
        """})
    _expect_rejected(loaded_db, p / "trips_x.csv", "trips_x.csv:2:participants: unknown id 'O999'")


def test_trip_ending_before_it_starts(loaded_db, tmp_path):
    p = write_files(tmp_path, {"trips_x.csv": """\
        trip_id,official_id,destination,start_date,end_date
        T9,O1,上海,2026-03-05,2026-03-01
        """})
    _expect_rejected(loaded_db, p / "trips_x.csv", "trips_x.csv:2:end_date: end date 2026-03-01 is before")


def test_unreadable_encoding(db, tmp_path):
    p = tmp_path / "units.csv"
    p.write_bytes(b"unit_id,name\nU1,\xff\xfe\xfa\x80\x80\n")
    _expect_rejected(db, p, "unreadable text encoding")


def test_empty_file(db, tmp_path):
    p = tmp_path / "units.csv"
    p.write_bytes(b"")
    _expect_rejected(db, p, "units.csv:1: file is empty")


def test_file_of_the_wrong_kind(loaded_db, tmp_path):
    p = write_files(tmp_path, {"gifts.csv": SMALL_WORLD["contracts.csv"]})
    _expect_rejected(loaded_db, p / "gifts.csv", "required column 'gift_id' is missing",
                     "look like a 'contracts' file")


def test_gb18030_and_bom_csv(db, tmp_path):
    (tmp_path / "units.csv").write_bytes("unit_id,name\nU1,市财政局\nU2,龍華區財政局\n".encode("gb18030"))
    (tmp_path / "people.csv").write_bytes("\ufeffPerson_ID , Name \nP1,王强\n".encode("utf-8"))
    reports, _ = ingest_paths(db, [tmp_path])
    assert [r.inserted for r in reports] == [2, 1]
    assert rows(db, "select name_norm from units where unit_id='U2'")[0]["name_norm"] == "龙华区财政局"
    assert rows(db, "select name from people")[0]["name"] == "王强"


def test_xlsx_and_jsonl(db, tmp_path):
    import openpyxl
    from datetime import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["unit_id", "name"])
    ws.append(["U1", "市财政局"])
    wb.save(tmp_path / "units.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["official_id", "name", "unit_id"])
    ws.append(["O1", "李明", "U1"])
    wb.save(tmp_path / "officials.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["contact_id", "official_id", "counterpart_id", "date"])
    ws.append(["K1", "O1", "O1", datetime(2026, 3, 2)])
    wb.save(tmp_path / "contacts.xlsx")
    (tmp_path / "people.jsonl").write_text(
        '{"person_id": "P1", "name": "王强"}\n\n{"person_id": "P2", "name": "Wang Qiang", "note": null}\n',
        encoding="utf-8")
    reports, _ = ingest_paths(db, [tmp_path])
    assert {r.kind: r.inserted for r in reports} == {"units": 1, "officials": 1, "people": 2, "contacts": 1}
    assert rows(db, "select date, _row from contacts")[0] == {"date": "2026-03-02", "_row": 2}
    assert rows(db, "select _row from people where person_id='P2'")[0]["_row"] == 3


def test_map_renames_columns(db, tmp_path):
    p = write_files(tmp_path, {"units.csv": "编号,名称\nU1,市财政局\n"})
    rep = ingest_file(db, p / "units.csv", rename={"编号": "unit_id", "名称": "name"})
    assert rep.inserted == 1


def test_extra_columns_are_kept(db, tmp_path):
    p = write_files(tmp_path, {"units.csv": "unit_id,name,level\nU1,市财政局,正处\n"})
    rep = ingest_file(db, p / "units.csv")
    assert rep.extra_columns == ["level"]
    assert json.loads(rows(db, "select _extra from units")[0]["_extra"]) == {"level": "正处"}


def test_skip_bad_rows_writes_rejects(loaded_db, tmp_path):
    p = write_files(tmp_path, {"gifts_mixed.csv": """\
        gift_id,giver_id,recipient_id,date,value,currency
        G40,P1,O1,2026-03-01,100,CNY
        G41,P404,O1,2026-03-01,100,CNY
        G42,P1,O1,2026-03-01,-3,CNY
        """})
    rep = ingest_file(loaded_db, p / "gifts_mixed.csv", skip_bad_rows=True, rejects_dir=tmp_path / "rej")
    assert (rep.inserted, rep.rejected, rep.status) == (1, 2, "partial")
    text = Path(rep.rejects_path).read_text(encoding="utf-8-sig")
    assert "G41" in text and "unknown id 'P404'" in text and "negative amount" in text and "G40" not in text


def test_name_references_link_or_create(loaded_db, tmp_path):
    p = write_files(tmp_path, {"gifts_names.csv": """\
        gift_id,giver_name,recipient_id,date,value,currency
        G50,王强,O1,2026-03-01,100,CNY
        G51,新面孔贸易有限公司,O1,2026-03-02,100,CNY
        G52,刘芳,O1,2026-03-03,100,CNY
        """})
    rep = ingest_file(loaded_db, p / "gifts_names.csv")
    got = {r["gift_id"]: r for r in rows(loaded_db, "select gift_id, giver_id, giver_name from gifts "
                                                    "where gift_id like 'G5%'")}
    assert got["G50"]["giver_id"] == "P1"
    created = got["G51"]["giver_id"]
    assert rows(loaded_db, "select name from companies where company_id = ?", [created])[0]["name"] == \
        "新面孔贸易有限公司"
    # two people are called 刘芳: an unresolved node for review (never a NULL id), the name kept
    assert got["G52"]["giver_id"].startswith("UNR-") and got["G52"]["giver_name"] == "刘芳"
    assert rep.names["ambiguous"] >= 1 and rep.ambiguous[0]["name"] == "刘芳"


def test_cli_rejects_with_exit_status_and_lines(tmp_path):
    p = write_files(tmp_path / "in", {"units.csv": "unit_id,name\nU1,\n"})
    res = CliRunner().invoke(cli, ["ingest", str(p), "--db", str(tmp_path / "s.db")])
    assert res.exit_code == 1
    assert "units.csv:2:name: required value is missing" in res.output
    assert "nothing was written" in res.output


def test_cli_info_json(tmp_path, small_world):
    db = str(tmp_path / "s.db")
    res = CliRunner().invoke(cli, ["ingest", str(small_world), "--db", db])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(cli, ["info", "--db", db, "--format", "json"])
    data = json.loads(res.output)
    assert data["counts"]["gifts"] == 2 and data["batches"] == 9
    assert set(data["counts"]) == {"units", "officials", "people", "companies", "relations", "contacts",
                                   "gifts", "trips", "contracts", "organisations", "public_bodies",
                                   "memberships", "decisions"}


def test_db_from_environment(tmp_path, small_world, monkeypatch):
    monkeypatch.setenv("GRAPHRISK_DB", str(tmp_path / "env.db"))
    res = CliRunner().invoke(cli, ["ingest", str(small_world / "units.csv")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "env.db").exists()


def test_killed_process_leaves_store_as_before_and_rerun_completes(tmp_path, small_world):
    """Kill the ingest after its first chunk is inserted, inside the batch transaction."""
    db_path = tmp_path / "kill.db"
    ingest_paths(store.connect(db_path), [small_world])
    big = tmp_path / "big"
    big.mkdir()
    lines = ["contact_id,official_id,counterpart_id,date,channel"]
    lines += [f"KX{i},O1,P1,2026-03-{1 + i % 28:02d},call" for i in range(120_000)]
    (big / "contacts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    script = textwrap.dedent(f"""
        import os
        from graphrisk import store
        from graphrisk.ingest import pipeline
        real = pipeline._insert_chunk
        def dying(*a, **k):
            real(*a, **k)
            os._exit(9)
        pipeline._insert_chunk = dying
        pipeline.ingest_file(store.connect({str(db_path)!r}), {str(big / 'contacts.csv')!r})
    """)
    res = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True)
    assert res.returncode == 9
    db = store.connect(db_path)
    assert db["contacts"].count == 2 and db["batches"].count == 9
    rep = ingest_file(db, big / "contacts.csv")
    assert rep.inserted == 120_000 and db["contacts"].count == 120_002


def test_a_new_store_has_large_pages_and_an_old_one_keeps_its_own(tmp_path, small_world):
    """A store made now uses ``store.PAGE_SIZE`` pages (bulk writes are faster); a store made with SQLite's
    default 4,096 keeps it, and takes the same files with the same results."""
    import sqlite3

    new = store.connect(tmp_path / "new.db")
    old_path = tmp_path / "old.db"
    sqlite3.connect(old_path).execute("create table t (x)").connection.close()  # SQLite's own default pages
    old = store.connect(old_path)
    assert new.conn.execute("pragma page_size").fetchone()[0] == store.PAGE_SIZE > 4096
    assert old.conn.execute("pragma page_size").fetchone()[0] == 4096
    for db in (new, old):
        ingest_paths(db, [small_world])
    assert store.counts(new) == store.counts(old) and store.counts(new)["relations"] == 5
    assert store.connect(tmp_path / "new.db").conn.execute("pragma page_size").fetchone()[0] == store.PAGE_SIZE


def test_a_command_leaves_its_records_in_the_store_file_itself(tmp_path, small_world):
    """The ``graphrisk`` script leaves without tearing its objects down, but closes every connection it opened
    first, so SQLite writes its log into the store file: a copy of that one file (a backup, an archive) holds
    every record. The connection was missed when the store object had gone and a cursor still held it, and a
    copy of the file alone then lacked the last batches."""
    import shutil
    import sqlite3

    db_path = tmp_path / "cli.db"
    for args in (["ingest", str(small_world)], ["flags", "--format", "json"]):
        subprocess.run([sys.executable, "-m", "graphrisk", *args, "--db", str(db_path)], cwd=ROOT, check=True,
                       capture_output=True)
        assert not Path(str(db_path) + "-wal").exists()
    copy = tmp_path / "copy.db"
    shutil.copyfile(db_path, copy)
    conn = sqlite3.connect(copy)
    with store.connect(db_path, create=False).conn as whole:
        for table in ("officials", "contacts", "gifts", "contracts", "batches", "runs", "flags"):
            assert conn.execute(f"select count(*) from [{table}]").fetchone() == \
                whole.execute(f"select count(*) from [{table}]").fetchone()
    assert conn.execute("select count(*) from runs").fetchone()[0] >= 1
    conn.close()
