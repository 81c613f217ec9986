"""Forked work is never forked where it cannot be safely: a process running native threads (an OpenMP team
igraph started) does the work itself instead of hanging, with the same results."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import igraph, sys
    g = igraph.Graph.Erdos_Renyi(n=3000, m=20000)
    g.pagerank()  # OpenMP starts its team of threads here when OMP_NUM_THREADS > 1
    from graphrisk.forking import Forked, can_fork, fork_map
    print("can_fork", can_fork())
    print("map", fork_map(pow, [2, 3, 4], 2, 2))
    f = Forked(sum, [1, 2, 3])
    print("forked", f.get())
    from graphrisk.forking import fork_imap
    print("imap", list(fork_imap(pow, [2, 3, 4], 2, 2)))
""")


def _run(env_threads: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    if env_threads is not None:
        env["OMP_NUM_THREADS"] = env_threads
    return subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120,
                          check=True).stdout


def test_a_process_with_an_openmp_team_does_the_work_itself():
    out = _run("2")  # igraph imported first, two threads: the team outlives the PageRank
    assert "can_fork False" in out and "map [4, 9, 16]" in out and "forked 6" in out and "imap [4, 9, 16]" in out


def test_importing_graphrisk_keeps_openmp_to_one_thread_unless_told_otherwise():
    code = "import os, graphrisk; print(os.environ['OMP_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "1"
    env["OMP_NUM_THREADS"] = "3"
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "3"
    out = _run(None)  # graphrisk imported before igraph's first use would be the usual order; here igraph first
    assert "map [4, 9, 16]" in out and "forked 6" in out and "imap [4, 9, 16]" in out


def _write_then(path, how):
    path.write_text(str(os.getpid()), encoding="utf-8")
    if how == "raise":
        raise ValueError("bad row 7")
    if how == "unpicklable":
        class Local(Exception):  # a class defined here cannot be pickled back
            pass
        raise Local("local trouble")
    if how == "die":
        os._exit(3)


def test_background_work_exits_when_done_and_its_error_reaches_join(tmp_path):
    import pytest

    from graphrisk.forking import Background, can_fork

    if not can_fork():
        pytest.skip("no fork here")
    done = tmp_path / "done"
    job = Background(_write_then, done, "ok")
    job._proc.join(timeout=30)
    assert not job._proc.is_alive()  # gone before anyone asked: its memory is freed
    job.join()
    assert int(done.read_text()) != os.getpid()
    with pytest.raises(ValueError, match="bad row 7"):
        Background(_write_then, tmp_path / "a", "raise").join()
    with pytest.raises(RuntimeError, match="Local: local trouble"):
        Background(_write_then, tmp_path / "b", "unpicklable").join()
    with pytest.raises(RuntimeError, match="exit code 3"):
        Background(_write_then, tmp_path / "c", "die").join()


def _big(n: int, how: str = "ok"):
    if how == "raise":
        raise ValueError("bad file")
    if how == "die":
        os._exit(4)
    return [("row", i, str(i)) for i in range(n)]


def test_a_fetched_result_comes_back_and_a_fetch_can_be_stopped_mid_send():
    """Fetch: the result, the child's error, a death; and cancel while the child is writing a result larger
    than the pipe holds returns at once (a pool's terminate can hang on its queue's lock there)."""
    import time

    import pytest

    from graphrisk.forking import Fetch, can_fork

    if not can_fork():
        pytest.skip("no fork here")
    assert Fetch(_big, 3).get() == [("row", 0, "0"), ("row", 1, "1"), ("row", 2, "2")]
    with pytest.raises(ValueError, match="bad file"):
        Fetch(_big, 1, "raise").get()
    with pytest.raises(RuntimeError, match="exit code 4"):
        Fetch(_big, 1, "die").get()
    for _ in range(5):
        job = Fetch(_big, 300_000)
        time.sleep(0.3)  # the child is building or sending about 10 MB nobody reads
        started = time.perf_counter()
        job.cancel()
        assert time.perf_counter() - started < 5
        assert not job._proc.is_alive()


def _fake_root(tmp_path, *, available_kb=None, resident_pages=None, cgroup=None, files=None):
    """A folder laid out like / for :func:`graphrisk.forking.available_bytes`: /proc's files and a control group's."""
    proc = tmp_path / "proc" / "self"
    proc.mkdir(parents=True)
    if available_kb is not None:
        (tmp_path / "proc" / "meminfo").write_text(f"MemTotal:  99999999 kB\nMemFree:  1 kB\n"
                                                   f"MemAvailable:  {available_kb} kB\n", encoding="ascii")
    if resident_pages is not None:
        (proc / "statm").write_text(f"{resident_pages * 3} {resident_pages} 10 1 0 5 0\n", encoding="ascii")
    if cgroup is not None:
        (proc / "cgroup").write_text(cgroup, encoding="utf-8")
    for rel, text in (files or {}).items():
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="ascii")
    return str(tmp_path)


def test_available_memory_is_the_systems_capped_by_the_control_group(tmp_path):
    """MemAvailable, or less when the process's control group (v2 or v1) has a limit: the limit less the group's
    use, file pages not used lately counted as free; "max" is no limit."""
    from graphrisk.forking import available_bytes

    assert available_bytes(_fake_root(tmp_path / "plain", available_kb=2_000)) == 2_048_000
    v2 = _fake_root(tmp_path / "v2", available_kb=2_000, cgroup="0::/job\n", files={
        "sys/fs/cgroup/job/memory.max": "1000000\n", "sys/fs/cgroup/job/memory.current": "900000\n",
        "sys/fs/cgroup/job/memory.stat": "anon 800000\ninactive_file 50000\nactive_file 7\n"})
    assert available_bytes(v2) == 150_000
    unlimited = _fake_root(tmp_path / "max", available_kb=2_000, cgroup="0::/job\n", files={
        "sys/fs/cgroup/job/memory.max": "max\n", "sys/fs/cgroup/job/memory.current": "900000\n"})
    assert available_bytes(unlimited) == 2_048_000
    v1 = _fake_root(tmp_path / "v1", available_kb=2_000, cgroup="5:devices:/\n4:memory:/box\n0::/\n", files={
        "sys/fs/cgroup/memory/box/memory.limit_in_bytes": "3000000\n",
        "sys/fs/cgroup/memory/box/memory.usage_in_bytes": "2500000\n",
        "sys/fs/cgroup/memory/box/memory.stat": "cache 9\ntotal_inactive_file 100000\n"})
    assert available_bytes(v1) == 600_000
    at_root = _fake_root(tmp_path / "root", available_kb=2_000, files={  # a container sees its group at the root
        "sys/fs/cgroup/memory.max": "1000000\n", "sys/fs/cgroup/memory.current": "400000\n"})
    assert available_bytes(at_root) == 600_000
    assert available_bytes(_fake_root(tmp_path / "none")) is None


def test_a_fork_needs_room_for_the_pages_a_child_copies(tmp_path):
    """Each child may copy most of this process's memory (the graph it reads): children are forked only when the
    memory available holds them; where nothing says how much there is, forking is left to the other checks."""
    import os as os_

    from graphrisk.forking import COPY_SHARE, room_for

    page = os_.sysconf("SC_PAGE_SIZE")
    resident = 1000 * page
    need = COPY_SHARE * resident
    root = _fake_root(tmp_path / "a", available_kb=int(need * 2.5) // 1024, resident_pages=1000)
    assert room_for(1, root) and room_for(2, root) and not room_for(3, root)
    assert room_for(5, _fake_root(tmp_path / "b", resident_pages=1000))


def test_no_room_for_a_copy_runs_the_evaluation_in_one_process_with_the_same_result(tmp_path, monkeypatch, small_world):
    """Where the memory available would not hold the rule process's copy of the graph, the rules run here: the
    same flags and paths, no second process."""
    from graphrisk import forking, settings, store
    from graphrisk.ingest.pipeline import ingest_paths
    from graphrisk.rules import engine

    db = store.connect(tmp_path / "room.db")
    ingest_paths(db, [small_world])
    cfg = settings.load()
    forked = engine.evaluate(db, settings=cfg)
    started = []
    real = engine.Aside.__init__
    monkeypatch.setattr(engine.Aside, "__init__", lambda self, *a, **k: (started.append(1), real(self, *a, **k))[1])
    monkeypatch.setattr(forking, "available_bytes", lambda root="/": 0)
    alone = engine.evaluate(db, settings=cfg)
    assert not started
    assert [(f.official_id, f.score, f.level) for f in alone.flags] == [(f.official_id, f.score, f.level)
                                                                         for f in forked.flags]
    assert [p.to_dict() for p in alone.paths] == [p.to_dict() for p in forked.paths]
    monkeypatch.setattr(forking, "available_bytes", lambda root="/": None)
    engine.evaluate(db, settings=cfg)
    assert started == ([1] if forking.can_fork() else [])
