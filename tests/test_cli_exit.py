"""The ``graphrisk`` script leaves without tearing its heap down (``graphrisk.cli._leave``): the exit status,
the output, the exit handlers and the stores' state must be what a normal exit gives."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from graphrisk import dbconn, store

from .conftest import SMALL_WORLD, write_files


def _script(*args: str, prelude: str = "") -> subprocess.CompletedProcess:
    code = f"import sys; {prelude}from graphrisk.cli import main; sys.argv = ['graphrisk', *sys.argv[1:]]; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)


def test_exit_status_and_output_are_those_of_the_command(tmp_path):
    world = write_files(tmp_path / "world", SMALL_WORLD)
    db_path = tmp_path / "s.db"
    res = _script("ingest", str(world), "--db", str(db_path), "--format-output", "json")
    assert res.returncode == 0, res.stderr
    files = json.loads(res.stdout)["files"]
    assert {f["kind"] for f in files} >= {"officials", "gifts", "contracts"}
    res = _script("flags", "--db", str(db_path), "--format", "json", "--level", "green")
    assert res.returncode == 0, res.stderr
    assert {f["official_id"] for f in json.loads(res.stdout)}  # the whole document arrived
    res = _script("info", "--db", str(tmp_path / "none.db"))
    assert res.returncode == 1 and "no store" in res.stderr + res.stdout
    res = _script("no-such-command")
    assert res.returncode == 2 and "No such command" in res.stderr
    res = _script("--help")
    assert res.returncode == 0 and "Usage" in res.stdout


def test_exit_handlers_run_and_the_written_store_is_whole(tmp_path):
    world = write_files(tmp_path / "world", SMALL_WORLD)
    db_path, mark = tmp_path / "s.db", tmp_path / "atexit.txt"
    prelude = f"import atexit, pathlib; atexit.register(pathlib.Path({str(mark)!r}).write_text, 'ran'); "
    res = _script("ingest", str(world), "--db", str(db_path), "--quiet", prelude=prelude)
    assert res.returncode == 0, res.stderr
    assert mark.read_text() == "ran"
    conn = sqlite3.connect(db_path)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert conn.execute("select count(*) from gifts").fetchone()[0] == 2
    assert conn.execute("select count(*) from batches where status = 'ok'").fetchone()[0] == len(SMALL_WORLD)


def test_close_all_closes_the_stores_this_process_opened(tmp_path):
    db = store.connect(tmp_path / "a.db")
    db.conn.execute("create table t (x)")
    db.conn.execute("begin")
    db.conn.execute("insert into t values (1)")  # not committed: rolled back, as a normal exit does
    dbconn.close_all()
    try:
        db.conn.execute("select 1")
    except sqlite3.ProgrammingError:
        pass
    else:
        raise AssertionError("the connection is still open")
    assert sqlite3.connect(tmp_path / "a.db").execute("select count(*) from t").fetchone()[0] == 0
