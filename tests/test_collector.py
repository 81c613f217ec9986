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
