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
""")


def _run(env_threads: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    if env_threads is not None:
        env["OMP_NUM_THREADS"] = env_threads
    return subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120,
                          check=True).stdout


def test_a_process_with_an_openmp_team_does_the_work_itself():
    out = _run("2")  # igraph imported first, two threads: the team outlives the PageRank
    assert "can_fork False" in out and "map [4, 9, 16]" in out and "forked 6" in out


def test_importing_graphrisk_keeps_openmp_to_one_thread_unless_told_otherwise():
    code = "import os, graphrisk; print(os.environ['OMP_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "1"
    env["OMP_NUM_THREADS"] = "3"
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "3"
    out = _run(None)  # graphrisk imported before igraph's first use would be the usual order; here igraph first
    assert "map [4, 9, 16]" in out and "forked 6" in out
