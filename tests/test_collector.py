"""The cycle collector around the engine's graph: paused while a store loads, the graph kept out of its
passes afterwards, across forks, and given back when another store's graph replaces it."""
from __future__ import annotations

import gc
import shutil
import weakref

from graphrisk import collector, graph, store
from graphrisk.forking import Forked, can_fork


def _edges(G) -> int:
    return G.number_of_edges()


def test_a_loaded_graph_is_kept_out_of_the_collectors_passes_and_released_with_the_next(sample_db_path, tmp_path,
                                                                                       monkeypatch):
    monkeypatch.setattr(collector, "PIN_MIN_OBJECTS", 1)
    collector.unpin()
    graph._FULL.clear()
    db = store.connect(sample_db_path, create=False)
    assert gc.isenabled()
    G = graph.load(db)
    assert gc.isenabled()  # paused only while loading
    frozen = gc.get_freeze_count()
    assert frozen > G.number_of_edges()
    assert not gc.is_tracked(G.nodes) or not any(o is G.nodes for o in gc.get_objects())
    if can_fork():  # a fork freezes and thaws around itself: the pinned graph stays frozen
        f = Forked(_edges, G)
        assert f.get() == G.number_of_edges()
        f.close()
        assert gc.get_freeze_count() >= frozen
    again = graph.load(db)
    assert again is G and gc.get_freeze_count() >= frozen  # the same data version: the same graph
    ref = weakref.ref(G)
    other = tmp_path / "other.db"
    shutil.copy(sample_db_path, other)
    del G, again
    graph.load(store.connect(other, create=False))  # another store: the first graph goes
    assert ref() is None
    collector.unpin()
    graph._FULL.clear()
    assert gc.get_freeze_count() == 0


def test_a_small_graph_is_left_to_the_collector(sample_db_path):
    collector.unpin()
    graph._FULL.clear()
    graph.load(store.connect(sample_db_path, create=False))
    assert gc.get_freeze_count() == 0  # below PIN_MIN_OBJECTS
    graph._FULL.clear()


RESIDENT_AFTER_FREES = """
import ctypes, platform, sys
import numpy as np
from graphrisk import collector

def rss_mb():
    with open("/proc/self/statm") as f:
        import os
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

if sys.argv[1] == "release":
    collector.release_large_blocks()
big = np.ones(16 * 2**20 // 8)  # a 16 MB block, freed: glibc's own threshold rises to 16 MB
del big
base = rss_mb()
blocks = [np.ones(2 * 2**20 // 8) for _ in range(60)]  # 120 MB of 2 MB arrays, every page touched
keep = np.ones(2**20 // 8)  # still in use after them: the heap cannot shrink past it
del blocks
print(round(rss_mb() - base))
"""


def test_a_process_that_loads_a_graph_gives_freed_arrays_back_to_the_system(tmp_path, sample_db_path):
    """After a large block is freed glibc keeps the next ones (up to its size, 32 MB at most) in its heap,
    resident once freed; a process that loads a graph fixes the threshold: freed arrays leave nothing resident."""
    import platform
    import subprocess
    import sys

    import pytest

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        pytest.skip("glibc's allocator only")
    script = tmp_path / "frees.py"
    script.write_text(RESIDENT_AFTER_FREES, encoding="utf-8")
    left = {how: int(subprocess.run([sys.executable, str(script), how], capture_output=True, text=True,
                                    check=True).stdout) for how in ("default", "release")}
    assert left["default"] >= 100 and left["release"] <= 10, left
    code = ("import ctypes, sys\nfrom graphrisk import collector, graph, store\n"
            "calls = []\nreal = collector.release_large_blocks\n"
            "collector.release_large_blocks = lambda: (calls.append(1), real())[1]\n"
            f"graph.load(store.connect({str(sample_db_path)!r}, create=False))\nprint(len(calls))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "1"
