"""A time window is a filter over the graph read once: it holds exactly the edges the store gives for the
window (records dated inside it, ties started by its end, undated edges), in the graph's edge order."""
from __future__ import annotations

import pytest

from graphrisk import graph, store
from graphrisk.engine.build import Window, canonical, iter_edges


@pytest.mark.parametrize("window", [
    {"as_of": "2025-06-30"}, {"since": "2026-03-01"}, {"since": "2024-03-01", "until": "2025-02-28"},
    {"since": "2024-03-01", "until": "2026-01-31", "as_of": "2025-05-15"}, {"until": "1990-01-01"}])
def test_a_window_holds_the_edges_the_store_gives_for_it(sample_db_path, window):
    db = store.connect(sample_db_path, create=False)
    G = graph.load(db, **window)
    nodes = graph.load(db).nodes
    want = [(u, v, k) for u, v, k, _ in iter_edges(db, Window(**window), canonical(db),
                                                    {n: d["kind"] for n, d in nodes.items()})]
    got = list(G.edges(keys=True))
    assert sorted(got) == sorted(want)
    full_order = {k: i for i, (_, _, k) in enumerate(graph.load(db).edges(keys=True))}
    assert [full_order[k] for _, _, k in got] == sorted(full_order[k] for _, _, k in got)
    assert G.number_of_edges() < graph.load(db).number_of_edges()
    assert sum(len(x) for x in G._adjacency("out").values()) == G.number_of_edges()  # its own adjacency
