"""The engine graph's adjacency (graphrisk.engine.lite): each node's out- and in-edges, made lazily from one sort
of the edges' ends, are the lists one append per edge in edge order makes, for a whole graph and its windows."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from graphrisk.engine.lite import LiteGraph

NODES = [f"N{i}" for i in range(6)] + ["n0", "张三", "O0001"]
DATES = st.none() | st.sampled_from(["2026-01-01", "2026-02-01", "2026-03-01"])


def _reference(edges, end):
    out: dict = {}
    for e in edges:
        out.setdefault(e[end], []).append(e)
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES), DATES), max_size=40),
       st.sampled_from([None, "2026-01-15", "2026-02-01"]))
def test_each_node_s_edges_are_the_appended_lists(triples, as_of):
    edges = [(u, v, f"k{i}", {"kind": "contact", "date": d}) for i, (u, v, d) in enumerate(triples)]
    G = LiteGraph([(n, {"kind": "person"}) for n in NODES[:4]])
    G.add_edges_from(edges, index=True)  # ends that are no node yet become nodes
    assert set(NODES[:4]) | {n for e in edges for n in e[:2]} == set(G.nodes)
    H = G.window(as_of=as_of)
    for graph in (G, H):
        for which, end in (("out", 0), ("in", 1)):
            want = _reference(graph._edges, end)
            got = graph._adjacency(which)
            assert {n: got.get(n) for n in graph.nodes if got.get(n) is not None} == want
            assert dict(got.items()) == want and len(got) == len(want)
            assert all(got.get(n, ()) == () for n in graph.nodes if n not in want)
            assert got.get("no such node", "none") == "none"
        for n in graph.nodes:
            assert list(graph.successors(n)) == list(dict.fromkeys(e[1] for e in want_out(graph, n)))
            assert graph.degree(n) == len(want_out(graph, n)) + sum(1 for e in graph._edges if e[1] == n)


def want_out(graph, n):
    return [e for e in graph._edges if e[0] == n]
