"""Reading the next file in a forked process while this one checks and writes the current one
(graphrisk.ingest.ahead) stores exactly what a one-process ingest stores, and reports a bad
file exactly as it would."""
from __future__ import annotations

import shutil

import pytest

from graphrisk import settings as settings_mod
from graphrisk import store
from graphrisk.errors import InputError
from graphrisk.forking import can_fork
from graphrisk.ingest import ahead, ingest_paths

from .conftest import record_results

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs the fork start method")

TIMES = {"started_at", "finished_at", "seconds", "created_at"}


def _content(db) -> dict:
    out = {}
    for t in sorted(db.table_names()):
        if t in ("audit", "_migrations"):
            continue
        cols = [c.name for c in db[t].columns if c.name not in TIMES and not (t == "batches" and c.name == "path")]
        out[t] = db.conn.execute(f"select {', '.join(f'[{c}]' for c in cols)} from [{t}] order by rowid").fetchall()
    return out


def _ingest(folder, path, workers: int, **options):
    db = store.connect(path)
    settings = settings_mod.load(overrides={"ingest": {"workers": workers}})
    try:
        reports, _ = ingest_paths(db, [folder], settings=settings, **options)
        return db, reports, None
    except InputError as exc:
        return db, exc.reports, exc


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from graphrisk.sample import generate

    root = tmp_path_factory.mktemp("ahead-world")
    generate(root / "world", scale=0.2, seed=11)
    return root / "world"


@pytest.fixture
def ahead_always(monkeypatch):
    """Read ahead whatever the file's size, and count the files whose rows came from the other process."""
    monkeypatch.setattr(ahead, "AHEAD_MIN_BYTES", 0)
    return record_results(monkeypatch, ahead.ReadAhead, "result",
                          lambda job, got, found: got is not None and found.append(job.path.name))


def test_an_ingest_reading_ahead_stores_what_one_process_stores(world, tmp_path, ahead_always):
    alone, reports_alone, _ = _ingest(world, tmp_path / "one.db", workers=1)
    assert ahead_always == []
    both, reports_both, _ = _ingest(world, tmp_path / "two.db", workers=2)
    assert len(ahead_always) == len(reports_both) - 1 > 5  # every file but the first, read meanwhile
    assert [(r.kind, r.status, r.rows, r.inserted, r.warnings) for r in reports_both] == \
        [(r.kind, r.status, r.rows, r.inserted, r.warnings) for r in reports_alone]
    assert _content(both) == _content(alone)


def test_a_bad_file_read_ahead_is_rejected_as_it_would_be(world, tmp_path, ahead_always):
    folder = tmp_path / "world"
    shutil.copytree(world, folder)
    gifts = folder / "gifts.csv"
    lines = gifts.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("date")] = "31/31/2025"  # no such day
    lines[3] = ",".join(cells)
    gifts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one, landed_one, err_one = _ingest(folder, tmp_path / "one.db", workers=1)
    two, landed_two, err_two = _ingest(folder, tmp_path / "two.db", workers=2)
    assert err_one is not None and err_two is not None
    assert str(err_two) == str(err_one)
    assert [str(p) for p in err_two.problems] == [str(p) for p in err_one.problems]
    assert [(p.file.rsplit("/", 1)[-1], p.row, p.column) for p in err_two.problems] == [("gifts.csv", 4, "date")]
    assert [r.kind for r in landed_two] == [r.kind for r in landed_one]
    assert "gifts.csv" in ahead_always  # the bad file itself came from the other process
    assert _content(two) == _content(one)  # nothing of the rejected batch, the batches before it alike


@pytest.mark.parametrize("child", ["failed", "file changed since"])
def test_a_file_the_other_process_could_not_read_or_read_before_a_change_is_read_here(
        child, world, tmp_path, ahead_always, monkeypatch):
    # what the child returns on any error; or a read of content whose hash is not the file's now
    got = None if child == "failed" else ("0" * 64, "not a table", "not a batch")
    monkeypatch.setattr(ahead, "_read_prepared", lambda *a: got)
    alone, _, _ = _ingest(world, tmp_path / "one.db", workers=1)
    both, reports, _ = _ingest(world, tmp_path / "two.db", workers=2)
    assert all(r.status == "ok" for r in reports)
    assert len(ahead_always) == (0 if child == "failed" else len(reports) - 1)
    assert _content(both) == _content(alone)


def test_the_options_reach_the_other_process(world, tmp_path, ahead_always):
    """A currency given for amounts that name none is applied to a file read ahead, as to one read here."""
    import csv

    folder = tmp_path / "world"
    shutil.copytree(world, folder)
    with open(folder / "gifts.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(folder / "gifts.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, [c for c in rows[0] if c != "currency"])
        w.writeheader()
        w.writerows({k: v for k, v in r.items() if k != "currency"} for r in rows)
    alone, _, _ = _ingest(folder, tmp_path / "one.db", workers=1, currency="GBP")
    both, _, _ = _ingest(folder, tmp_path / "two.db", workers=2, currency="GBP")
    assert "gifts.csv" in ahead_always
    assert "GBP" in {r[0] for r in both.execute("select distinct currency from gifts")}
    assert _content(both) == _content(alone)


def test_ids_filled_from_names_are_hashed_as_one_process_hashes_them(world, tmp_path, ahead_always):
    """The other process hashes each column; a column the ingest then fills from names (an official named,
    a tie's end named, so the tie's id changes too) is hashed again, so stored hashes are one process's."""
    import csv

    folder = tmp_path / "world"
    shutil.copytree(world, folder)

    def rows_of(name):
        with open(folder / name, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def write(name, rows, cols):
        with open(folder / name, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, cols)
            w.writeheader()
            w.writerows(rows)

    official_name = {r["official_id"]: r["name"] for r in rows_of("officials.csv")}
    person_name = {r["person_id"]: r["name"] for r in rows_of("people.csv")}
    unique = {n for n in official_name.values() if list(official_name.values()).count(n) == 1}
    contacts = rows_of("contacts.csv")
    contact_cols, tie_cols = [*contacts[0], "official_name"], [*rows_of("relations.csv")[0], "from_name"]
    named = 0
    for r in contacts[::7]:
        if official_name.get(r["official_id"]) in unique:
            r["official_name"], r["official_id"] = official_name[r["official_id"]], ""
            named += 1
    write("contacts.csv", contacts, contact_cols)
    ties = rows_of("relations.csv")
    for r in ties[::11]:
        if r["from_id"] in person_name:
            r["from_name"], r["from_id"] = person_name[r["from_id"]], ""
    write("relations.csv", ties, tie_cols)
    alone, reports_alone, _ = _ingest(folder, tmp_path / "one.db", workers=1)
    both, reports, _ = _ingest(folder, tmp_path / "two.db", workers=2)
    assert named > 10 and {"contacts.csv", "relations.csv"} <= set(ahead_always)
    assert all(r.status == "ok" for r in reports), [r.message for r in reports]
    linked = {r.kind: r.names.get("linked", 0) for r in reports}
    assert linked["contacts"] > 10 and linked["relations"] > 10  # distinct names linked to their ids
    assert _content(both) == _content(alone)


def test_rows_skipped_from_a_file_read_ahead_go_to_the_same_rejects_file(world, tmp_path, ahead_always):
    """The other process sends a file's text cells only when bad rows may be skipped: the rejects file
    holds them as read."""
    folder = tmp_path / "world"
    shutil.copytree(world, folder)
    gifts = folder / "gifts.csv"
    lines = gifts.read_text(encoding="utf-8").splitlines()
    date_at = lines[0].split(",").index("date")
    for n in (3, 8):
        cells = lines[n].split(",")
        cells[date_at] = "31/31/2025"
        lines[n] = ",".join(cells)
    gifts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = {}
    for workers in (1, 2):
        db, reports, err = _ingest(folder, tmp_path / f"{workers}.db", workers=workers, skip_bad_rows=True,
                                   rejects_dir=tmp_path / f"rejects{workers}")
        assert err is None
        [gift_report] = [r for r in reports if r.kind == "gifts"]
        assert gift_report.rejected == 2 and gift_report.rows == len(lines) - 1
        rejects = tmp_path / f"rejects{workers}"
        out[workers] = (repr(_content(db)).replace(str(rejects), "<rejects>"),
                        rejects.joinpath(gift_report.rejects_path.rsplit("/", 1)[-1]).read_text(encoding="utf-8-sig"))
    assert "gifts.csv" in ahead_always
    assert "31/31/2025" in out[2][1] and out[2][1].count("\n") == 3
    assert out[2] == out[1]


def test_reads_ahead_keep_two_under_way_within_the_window(monkeypatch):
    """While a file is written, a read that ended makes room for the next one, never past the window."""

    class Job:
        def __init__(self, path):
            self.path, self.done, self.closed = path, False, False

        def ready(self):
            return self.done

        def close(self):
            self.closed = True

    started = []
    monkeypatch.setattr(ahead, "read_ahead", lambda path, kwargs, settings: started.append(Job(path)) or started[-1])
    monkeypatch.setattr(ahead, "AHEAD_RUNNING", 2)
    monkeypatch.setattr(ahead, "AHEAD_FILES", 4)
    files = [f"f{i}.csv" for i in range(8)]
    reads = ahead.ReadsAhead(files, {}, {})
    assert reads.take(0) is None and [j.path.name for j in started] == ["f1.csv", "f2.csv"]
    reads.top_up()  # both still reading: nothing more
    assert len(started) == 2
    started[0].done = True
    reads.top_up()
    assert [j.path.name for j in started] == ["f1.csv", "f2.csv", "f3.csv"]
    started[1].done = started[2].done = True
    reads.top_up()  # f4 is the window's last file (the current one, f0, plus 4)
    assert [j.path.name for j in started][3:] == ["f4.csv"]
    started[3].done = True
    reads.top_up()
    assert len(started) == 4
    job = reads.take(1)
    assert job is started[0] and [j.path.name for j in started][4:] == ["f5.csv"]
    reads.close()
    assert all(j.closed for j in started[1:]) and not started[0].closed


def _timed_read(path, kind, *rest):
    """A read taking as long as its file says (in the forked process): when it started and ended."""
    import time

    started = time.monotonic()
    time.sleep(float(path.read_text()))
    return started, time.monotonic()


def test_a_read_that_ends_while_the_ingest_waits_for_another_starts_the_next(tmp_path, monkeypatch):
    """While the ingest waits for a slow read, a quick one that ends makes room for the next file's read at
    once, not only when the slow one is done (a core idled meanwhile)."""
    monkeypatch.setattr(ahead, "_read_prepared", _timed_read)
    monkeypatch.setattr(ahead, "AHEAD_MIN_BYTES", 0)
    monkeypatch.setattr(ahead, "AHEAD_RUNNING", 2)
    files = []
    for name, seconds in [("units", 0), ("people", 1.5), ("companies", 0.05), ("relations", 0.05)]:
        files.append(tmp_path / f"{name}.csv")
        files[-1].write_text(str(seconds))
    settings = {"ingest": {"workers": 2}}
    reads = ahead.ReadsAhead(files, {}, settings)
    try:
        assert reads.take(0) is None  # the first file is read by the ingest; people's and companies' start
        people = reads.take(1)
        people_started, people_ended = people.result()
        relations_started, _ = reads.take(3).result()
        assert relations_started < people_ended - 0.5  # started as companies' ended, during the wait
        assert reads.take(2).result()[1] < people_ended
    finally:
        reads.close()


def test_a_read_ahead_runs_at_a_lower_priority_than_the_ingest(world, tmp_path, monkeypatch):
    """The ingesting process is the one the ingest waits for: the reading process yields the core to it."""
    import os

    here = os.nice(0)
    monkeypatch.setattr(ahead, "sha256_of", lambda path: str(os.nice(0)))  # runs in the reading process
    job = ahead.ReadAhead(world / "gifts.csv", "gifts", None, settings_mod.load(), None)
    sha, _, _ = job.result()
    assert int(sha) == min(19, here + ahead.READER_NICENESS) > here
    assert os.nice(0) == here  # this process keeps its priority
    ahead._yield_to_writer()  # called here (not a forked child): nothing changes
    assert os.nice(0) == here
