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
