"""Reading the largest tables in a second process (graphrisk.engine.ahead) gives the graph one process reads:
the same nodes and edges, attribute for attribute, in the same order; a store that changed in between is
read here instead."""
from __future__ import annotations

import shutil

import pytest

from graphrisk import graph, store
from graphrisk.engine import ahead
from graphrisk.engine.build import canonical, edge_reads, iter_edges, read_rows
from graphrisk.forking import can_fork

from .conftest import record_results

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs the fork start method")


def _snapshot(G) -> tuple[list, list]:
    nodes = [(n, list(d.items())) for n, d in G.nodes.items()]
    edges = [(u, v, k, sorted(dict(d).items(), key=lambda kv: kv[0])) for u, v, k, d in G.edges(keys=True, data=True)]
    return nodes, edges


def _load(path, workers: int):
    graph._FULL.clear()
    db = store.connect(path, create=False)
    try:
        return _snapshot(graph.load(db, workers=workers)), db
    finally:
        graph._FULL.clear()


@pytest.fixture
def ahead_used(monkeypatch):
    """Read ahead whatever the store's size; the tables (or edge selects) whose part the other process sent."""
    monkeypatch.setattr(ahead, "MIN_ROWS", 0)
    return record_results(monkeypatch, ahead.RowsAhead, "_all", lambda job, parts, found: found.extend(parts))


@pytest.fixture
def merged_copy(sample_db_path, tmp_path):
    """The sample store with two companies merged: edges then go through the canonical-id path."""
    from graphrisk.resolve import merge as mg

    path = tmp_path / "merged.db"
    shutil.copyfile(sample_db_path, path)
    db = store.connect(path, create=False)
    a, b = [r[0] for r in db.execute("select supplier_id, count(*) n from contracts group by supplier_id "
                                     "order by n desc, supplier_id limit 2")]
    mg.merge(db, a, b, "test: one firm", force=True)
    return path


@pytest.mark.parametrize("which", ["sample", "merged"])
def test_a_graph_read_by_two_processes_is_the_graph_one_reads(which, sample_db_path, merged_copy, ahead_used):
    path = sample_db_path if which == "sample" else merged_copy
    alone, db = _load(path, workers=1)
    assert ahead_used == []
    shared, _ = _load(path, workers=2)
    assert ahead_used, "the second process read no table"
    assert shared[0] == alone[0]
    assert shared[1] == alone[1]
    assert len(alone[1]) > 1000
    if which == "merged":
        assert canonical(db)


def test_rows_read_for_another_data_version_are_not_used(sample_db_path):
    db = store.connect(sample_db_path, create=False)
    reads = edge_reads(db)
    kinds = {n: d["kind"] for n, d in graph.load(db).nodes.items()}
    want = [(u, v, k, dict(d)) for u, v, k, d in iter_edges(db, node_kind=kinds)]
    stale = ahead.RowsAhead(str(sample_db_path), reads, "b0-0", read_rows, {})  # the store moved on since
    try:
        got = [(u, v, k, dict(d)) for u, v, k, d in iter_edges(db, node_kind=kinds, rows_from=stale)]
    finally:
        stale.close()
    assert stale._rows == {}  # the child sent nothing back
    assert got == want


def test_the_second_process_gets_the_big_tables_and_only_when_it_ends_sooner():
    from graphrisk.engine.build import TableRead

    def read(name, rows, cols=10):
        return TableRead(name, tuple(f"c{i}" for i in range(cols)), 3, "", (), rows)

    reads = [read("small", 1_000), read("big", 500_000), read("mid", 100_000), read("mid2", 90_000)]
    # the biggest goes while the other process still ends first; the rest stay here
    assert [r.table for r in ahead.share(reads, node_cells=3_000_000)] == ["big"]
    # with little to read here, the biggest would make the other process end last: it gets the smaller ones
    assert [r.table for r in ahead.share(reads, node_cells=1_000_000)] == ["mid", "mid2", "small"]
    # the entities alone outweigh every table: the other process reads them all
    assert sorted(r.table for r in ahead.share(reads, node_cells=50_000_000)) == ["big", "mid", "mid2", "small"]
    assert ahead.share([read("only", 10_000)], node_cells=0) == []  # it would end later than reading it here


@pytest.mark.parametrize("index", [False, True])
def test_an_edge_end_that_is_no_node_becomes_one_in_edge_order_as_networkx_does(index):
    import networkx as nx

    from graphrisk.engine.lite import LiteGraph

    edges = [("A", "X", "k:1", {"kind": "k"}), ("Y", "A", "k:2", {"kind": "k"}), ("X", "Z", "k:3", {"kind": "k"})]
    G = LiteGraph([("A", {"kind": "official"})])
    G.add_edges_from(edges, index=index)
    H = nx.MultiDiGraph()
    H.add_node("A", kind="official")
    H.add_edges_from(edges)
    assert list(G.nodes) == list(H.nodes) == ["A", "X", "Y", "Z"]
    assert [k for _, _, k in G.out_edges("X", keys=True)] == ["k:3"]
    assert sorted(G.predecessors("A")) == ["Y"]


@pytest.mark.parametrize("which", ["sample", "merged"])
@pytest.mark.parametrize("attrs", [True, False])
@pytest.mark.parametrize("window", [{}, {"since": "2025-01-01", "until": "2026-03-31"}])
def test_edge_arrays_read_by_two_processes_are_those_one_reads(which, attrs, window, sample_db_path, merged_copy,
                                                               ahead_used):
    import numpy as np

    from graphrisk.engine.arrays import load_arrays

    db = store.connect(sample_db_path if which == "sample" else merged_copy, create=False)
    alone = load_arrays(db, attrs=attrs, workers=1, **window)
    assert ahead_used == []
    both = load_arrays(db, attrs=attrs, workers=2, **window)
    assert ahead_used, "the second process read no edge select"
    assert both.ids == alone.ids and dict(both.nodes) == dict(alone.nodes) and both.kinds == alone.kinds
    for name in ("src", "dst", "kind"):
        assert np.array_equal(getattr(both, name), getattr(alone, name)), name
    assert np.array_equal(both.amount, alone.amount, equal_nan=True)
    assert both.currency == alone.currency and both.record == alone.record
    assert len(alone.src) > 1000 and (not attrs or any(c is not None for c in alone.currency))


def test_equal_values_share_one_object_and_keep_their_type(sample_db_path, monkeypatch):
    """A load keeps one object per distinct id, word and file row number, nodes and records alike (a normalised
    name equal to the name is the name's object), without changing any value or its type; a node kind with a
    column that is not text keeps its values as read (an int and an equal float are never merged)."""
    graph._FULL.clear()
    db = store.connect(sample_db_path, create=False)
    G = graph.load(db, workers=1)
    graph._FULL.clear()
    same_name = [d for d in G.nodes.values() if d.get("name_norm") is not None and d.get("name_norm") == d.get("name")]
    assert same_name and all(d["name_norm"] is d["name"] for d in same_name)
    rows: dict = {}
    for _, _, _, d in G.edges(keys=True, data=True):
        assert type(d["row"]) is int
        rows.setdefault(d["row"], set()).add(id(d["row"]))
    for d in G.nodes.values():
        if "row" in d and d["row"] is not None:
            assert type(d["row"]) is int
            rows.setdefault(d["row"], set()).add(id(d["row"]))
    assert all(len(ids) == 1 for ids in rows.values())  # one object per row number, across tables


def test_a_kind_with_a_number_column_is_not_pooled(tmp_path):
    """Pooling an INTEGER and a REAL column of one table would hand 2 for 2.0: such a kind's values stay as read."""
    from graphrisk.engine.build import iter_nodes

    db = store.connect(tmp_path / "n.db")
    db.conn.execute("insert into batches (id, path, file_name, sha256, kind, rows, status) "
                    "values (1, 'p.csv', 'p.csv', 'x', 'people', 2, 'ok')")
    db.conn.execute("alter table people add column score REAL")
    db.conn.execute("alter table people add column visits INTEGER")
    db.conn.executemany("insert into people (person_id, name, score, visits, _batch, _row) values (?, ?, ?, ?, 1, ?)",
                        [("P1", "A", 2.0, 2, 2), ("P2", "B", 2, 2.0, 3)])
    db.conn.commit()
    nodes = dict(iter_nodes(db, {}, {}))
    assert type(nodes["P1"]["score"]) is float and type(nodes["P1"]["visits"]) is int
    assert type(nodes["P2"]["score"]) is float and type(nodes["P2"]["visits"]) is int
    assert type(nodes["P1"]["row"]) is int


def test_the_amounts_read_while_the_edges_are_made_are_those_of_every_edge(sample_db_path, tmp_path, small_world):
    """The register's own amounts a load records as it makes the edges (per kind and currency, each record once
    per kind, a trip participant's none) are the lists a walk over every edge reads; a window reads its own."""
    from graphrisk.ingest.pipeline import ingest_paths
    from graphrisk.rules import amounts as amounts_module
    from graphrisk.rules.amounts import _amounts, graph_amounts

    small = tmp_path / "small.db"
    ingest_paths(store.connect(small), [small_world])
    for path in (sample_db_path, small):
        graph._FULL.clear()
        G = graph.load(store.connect(path, create=False), workers=1)
        assert G in amounts_module._GRAPH_AMOUNTS  # recorded by the load, not read again when first asked for
        walked = _amounts(G.edges(keys=True, data=True))
        assert walked and graph_amounts(G) == walked
        assert {kind for kind, _ in walked} >= {"gift", "contract"}
        W = graph.load(store.connect(path, create=False), until="2026-06-30", workers=1)
        assert graph_amounts(W) == _amounts(W.edges(keys=True, data=True))
    graph._FULL.clear()
