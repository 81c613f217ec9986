"""The graph of the store, optionally for a time window.

Nodes are entities (``kind``: a node kind of the model: official, person,
company, organisation, public body, unit, unresolved name). Edges are records
and ties (``kind`` from ``schema.EDGE_KINDS``), each keeping its record id,
date(s), amount and provenance (``batch``, ``row``, ``source``), keyed by
``"<kind>:<record id>"`` so parallel records between two nodes stay distinct.
Which column is each edge's source and target is declared in
``graphrisk/model.toml`` and read by the one builder in
:mod:`graphrisk.engine.build`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from . import collector, store
from .engine.ahead import node_cells, start as start_ahead
from .engine.build import (Window, canonical, count_unresolved, edge_reads,  # noqa: F401 (re-exported)
                           iter_edges, iter_nodes, read_rows)
from .engine.lite import LiteGraph
from .schema import is_private_channel  # noqa: F401 (long importable from here)

if TYPE_CHECKING:  # networkx is loaded where a function calls it: the engine's graph needs none of it
    import networkx as nx


_FULL: dict = {}  # (store file, data version) -> the whole graph, so windows of one process filter it


def load(db, since: str | None = None, until: str | None = None, as_of: str | None = None,
         networkx: bool = False, workers: int = 2):
    """The graph of everything stored, or of the records dated in the window.

    Entities are always present (a window filters records, not people); ties (relations,
    memberships) are kept when they started on or before the window's end. ``G.graph`` carries the
    window, the store's data version, the number of merged ids and of references left unresolved.
    The engine works on the compact :class:`LiteGraph`, loaded once per process and data version:
    a window is a filter over its edges. ``networkx=True`` gives a ``MultiDiGraph``. With ``workers`` ≥ 2
    a large store's biggest tables are read by a second process meanwhile (:mod:`graphrisk.engine.ahead`).
    """
    version = store.data_version(db)  # read before the data: a later ingest makes this run stale, not wrong
    key = (store.file_of(db), version)
    full = _FULL.get(key)
    if full is None:
        collector.release_large_blocks()  # an analysis from here on: freed arrays leave no resident pages
        _FULL.clear()
        collector.unpin()
        with collector.paused():  # millions of objects and no cyclic garbage (graphrisk.collector)
            canon = canonical(db)
            reads = edge_reads(db)
            rows_ahead = start_ahead(db, version, reads, workers, read_rows, {}, head=node_cells(db))
            try:
                pool: dict = {}  # one object per distinct id, word or row number, nodes and records alike
                nodes = dict(iter_nodes(db, canon, pool))
                kinds = {n: d["kind"] for n, d in nodes.items()}
                amounts: dict = {}  # the register's own amounts, read as the edges are made
                edges = list(iter_edges(db, Window(), canon, kinds, rows_from=rows_ahead, reads=reads, pool=pool,
                                        amounts=amounts))
                del pool
            finally:
                if rows_ahead is not None:
                    rows_ahead.close()
            from .resolve.unresolved import summary

            unresolved = summary(db)  # references to names never resolved to one entity: nodes of their own
            unresolved["without_id"] = count_unresolved(db)  # stores from before unresolved nodes: left out
            full = LiteGraph(nodes.items(), since=None, until=None, as_of=None, data_version=version,
                             merged=len(canon), unresolved=unresolved)
            full.add_edges_from(edges, index=True)
            full.index()
            full.node_kinds(kinds)
            from .rules.amounts import known_amounts

            known_amounts(full, amounts)
            if key[0]:  # an in-memory store has no file to key on
                _FULL[key] = full
                collector.pin(len(edges) * 4)  # before the collector resumes: it would walk all of it once
    G = full.window(since, until, as_of)  # its adjacency is indexed when first asked for
    return G.to_networkx() if networkx else G


def build_graph(db, since: str | None = None, until: str | None = None,
                as_of: str | None = None) -> nx.MultiDiGraph:
    """The networkx ``MultiDiGraph`` of the store (see :func:`load`): the public graph model."""
    return load(db, since, until, as_of, networkx=True)


def officials_of_unit(G: nx.MultiDiGraph, unit_id: str) -> list[str]:
    return sorted(n for n, _, k in G.in_edges(unit_id, keys=True) if k.startswith("member_of:"))


def unit_of(G: nx.MultiDiGraph, official_id: str) -> str | None:
    return G.nodes[official_id].get("unit_id") if official_id in G else None


def edges_of_kind(G: nx.MultiDiGraph, kind: str) -> Iterator[tuple[str, str, str, dict]]:
    for u, v, k, d in G.edges(keys=True, data=True):
        if d["kind"] == kind:
            yield u, v, k, d


def label(G: nx.MultiDiGraph, node: str) -> str:
    """``name (unit)`` for an official, else the name; the id when nothing is known."""
    d = G.nodes.get(node, {})
    name = d.get("name") or node
    if d.get("kind") == "official" and d.get("unit_id") in G:
        return f"{name} ({G.nodes[d['unit_id']].get('name')})"
    return name
