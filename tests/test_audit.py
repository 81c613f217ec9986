"""The audit log (graphrisk/audit.py, `graphrisk audit`): append-only, hash-chained, one entry per command."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from graphrisk import audit, safeio, store
from graphrisk.cli import cli
from graphrisk.ingest import ingest_paths

from .conftest import SMALL_WORLD, write_files


@pytest.fixture(autouse=True)
def _fallback_audit_log(tmp_path, monkeypatch):
    """Commands on read-only stores log to a fallback file: keep it in the test's folder, not the home."""
    monkeypatch.setenv("GRAPHRISK_AUDIT_FILE", str(tmp_path / "fallback-audit.jsonl"))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def case(tmp_path):
    folder = write_files(tmp_path / "world", SMALL_WORLD)
    db_path = tmp_path / "case.db"
    res = run("ingest", folder, "--db", db_path, "--quiet")
    assert res.exit_code == 0, res.output
    return db_path


def _tamper(db_path, *sql):
    conn = sqlite3.connect(str(db_path))
    conn.execute("drop trigger if exists audit_no_update")
    conn.execute("drop trigger if exists audit_no_delete")
    for s in sql:
        conn.execute(s)
    conn.commit()
    conn.close()


def test_every_command_appends_one_chained_entry(case, tmp_path):
    run("info", "--db", case)
    run("paths", "--db", case, "--format", "json", "--no-store")
    db = store.connect(case)
    log = audit.entries(db)
    assert [e["command"] for e in log] == ["graphrisk ingest", "graphrisk info", "graphrisk paths"]
    assert [e["id"] for e in log] == [1, 2, 3]
    assert log[0]["prev_hash"] == "" and all(b["prev_hash"] == a["hash"] for a, b in zip(log, log[1:]))
    assert log[1]["params"]["fmt"] == "table" and log[2]["params"]["no_store"] is True
    assert all(e["status"] == 0 for e in log)
    v = audit.verify(db)
    assert v.ok and v.entries == 3 and v.head == log[-1]["hash"]


def test_report_outputs_are_listed_with_their_hashes(case, tmp_path):
    out = tmp_path / "rep"
    res = run("report", "--db", case, "--since", "2026-01-01", "--until", "2026-12-31", "--out", out, "--quiet",
              "--no-maps")
    assert res.exit_code == 0, res.output
    entry = audit.entries(store.connect(case))[-1]
    listed = {o["path"]: o["sha256"] for o in entry["outputs"]}
    assert str((out / "report.json").resolve()) in listed and str((out / "index.html").resolve()) in listed
    for path, sha in listed.items():
        assert safeio.sha256_file(path) == sha


@pytest.mark.parametrize("sql,needle", [
    (["update audit set params = '{}' where id = 2"], "entry 2: content does not match"),
    (["delete from audit where id = 2"], "entries 2-2 are missing"),
    (["insert into audit (id, at, user, host, pid, command, params, store, data_version, outputs, status, message, "
      "prev_hash, hash) select 9, at, user, host, pid, command, params, store, data_version, outputs, status, message, "
      "hash, hash from audit where id = 3"], "entry 9: content does not match"),
])
def test_tampering_is_found(case, sql, needle):
    run("info", "--db", case)
    run("info", "--db", case)
    _tamper(case, *sql)
    res = run("audit", "verify", "--db", case)
    assert res.exit_code == 1
    assert needle in res.output and "trigger audit_no_update is missing" in res.output


def test_append_only_triggers(case):
    conn = sqlite3.connect(str(case))
    for sql in ("update audit set user = 'x'", "delete from audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()


def test_audit_log_json_and_the_setting_that_turns_it_off(case, tmp_path):
    res = run("audit", "log", "--db", case, "--format", "json")
    assert res.exit_code == 0
    entries = json.loads(res.output)
    assert entries[0]["command"] == "graphrisk ingest" and entries[0]["user"] and entries[0]["host"]
    n = len(audit.entries(store.connect(case)))
    cfg = tmp_path / "noaudit.toml"
    cfg.write_text("[security]\naudit = false\n", encoding="utf-8")
    assert run("flags", "--db", case, "--no-store", "--config", cfg).exit_code == 0
    assert len(audit.entries(store.connect(case))) == n


def test_a_failed_command_is_logged_with_its_message(case):
    res = run("map", "--db", case, "--official", "NOBODY", "--out", "x.html")
    assert res.exit_code != 0
    last = audit.entries(store.connect(case))[-1]
    assert last["command"] == "graphrisk map" and last["status"] == res.exit_code and "NOBODY" in last["message"]


def test_exports_written_by_other_libraries_are_logged_and_private(case, tmp_path):
    import stat

    out = tmp_path / "gephi" / "case.graphml"
    res = run("export", "--to", "graphml", "--out", out, "--db", case)
    assert res.exit_code == 0, res.output
    entry = audit.entries(store.connect(case))[-1]
    assert entry["command"] == "graphrisk export"
    assert entry["outputs"] == [{"path": str(out.resolve()), "sha256": safeio.sha256_file(out)}]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_commands_on_a_read_only_store_are_logged_to_the_fallback_file(case, tmp_path, monkeypatch):
    import os

    log = tmp_path / "fallback" / "audit.jsonl"
    monkeypatch.setenv("GRAPHRISK_AUDIT_FILE", str(log))
    n = len(audit.entries(store.connect(case)))
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if mode & os.W_OK else real(p, mode, *a, **k))
    assert run("info", "--db", case).exit_code == 0
    assert run("flags", "--db", case, "--no-store").exit_code == 0
    monkeypatch.setattr(os, "access", real)
    assert len(audit.entries(store.connect(case))) == n
    rows = audit.read_fallback(log)
    assert [r["command"] for r in rows] == ["graphrisk info", "graphrisk flags"]
    assert rows[0]["store"] == str(case.resolve()) and rows[1]["prev_hash"] == rows[0]["hash"]
    assert (log.stat().st_mode & 0o077) == 0
    res = run("audit", "verify", "--file", log)
    assert res.exit_code == 0 and "2" in res.output
    lines = log.read_text(encoding="utf-8").splitlines()
    log.write_text(lines[0].replace("graphrisk info", "graphrisk map") + "\n" + lines[1] + "\n", encoding="utf-8")
    res = run("audit", "verify", "--file", log)
    assert res.exit_code == 1 and "entry 1" in res.output
