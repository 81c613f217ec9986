"""A time window is a filter over the graph read once: it holds exactly the edges the store gives for the
window (records dated inside it, ties started by its end, undated edges), in the graph's edge order."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize("window", [{"as_of": "2026-04-30"}, {"since": "2026-03-01"}, {"until": "1990-01-01"},
                                    {"since": "2026-02-01", "until": "2026-05-31"}])
def test_what_a_window_selects_from_its_whole_graph_is_what_it_would_compute(sample_db_path, window):
    """A window's amounts per kind and currency and its endpoint arrays are selected from its whole graph's,
    read once: the same as read from the window's own edges."""
    from graphrisk.rules import amounts

    db = store.connect(sample_db_path, create=False)
    G = graph.load(db, **window)
    assert G.base() is not None and G.base()[0] is graph.load(db)
    walked = amounts._amounts(G.edges(keys=True, data=True))
    selected = amounts.graph_amounts(G)
    assert list(selected.items()) == list(walked.items())
    assert sum(map(len, walked.values())) > 0 or window == {"until": "1990-01-01"}
    nodes, index, src, dst = G.endpoint_arrays()
    assert nodes == sorted(G.nodes, key=str) and index == {n: i for i, n in enumerate(nodes)}
    assert np.array_equal(src, [index[u] for u, _ in G.edges()]) and np.array_equal(dst, [index[v] for _, v in G.edges()])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), st.booleans(), st.sampled_from(["gift", "contact"])),
                max_size=60))
def test_endpoint_positions_are_the_ids_positions_whatever_objects_hold_them(edges):
    """Ends that are the nodes' own string objects, equal copies of them, or new nodes: each is its id's place."""
    from graphrisk.engine.lite import LiteGraph

    ids = [f"N{i}" for i in range(13)]
    copy = lambda s: "".join(list(s))  # noqa: E731 - an equal string that is another object
    G = LiteGraph((n, {"kind": "person"}) for n in ids[:8])
    G.add_edges_from([(ids[u] if same else copy(ids[u]), copy(ids[v]), f"{kind}:{i}", {"kind": kind})
                      for i, (u, v, same, kind) in enumerate(edges)])
    for exclude in (frozenset(), frozenset({"gift"})):
        nodes, index, src, dst = G.endpoint_arrays(exclude)
        kept = [(u, v) for u, v, _, d in G.edges(keys=True, data=True) if d["kind"] not in exclude]
        assert nodes == sorted(G.nodes, key=str)
        assert src.tolist() == [index[u] for u, _ in kept] and dst.tolist() == [index[v] for _, v in kept]
        assert src.dtype == dst.dtype == np.int64
