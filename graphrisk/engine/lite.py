"""A compact multigraph with the read API of networkx's ``MultiDiGraph`` that the engine uses.

networkx stays the public graph model (``case.graph()``, maps, exports), but building a
``MultiDiGraph`` of every record costs about 12 s at 700,000 edges before any analysis starts. The
engine holds nodes as a dict and edges as one list of ``(u, v, key, attrs)`` tuples, indexes them
by endpoint only when asked, and hands networkx what it needs (:meth:`LiteGraph.to_networkx`).
"""
from __future__ import annotations

from collections import defaultdict
from operator import itemgetter
from collections.abc import Mapping
from typing import Iterable, Iterator

import numpy as np


class NodeView(dict):
    """``G.nodes``: a dict of node attributes that can also be called like networkx's view."""

    def __call__(self, data: bool = False):
        return self.items() if data else self.keys()


class AdjacencyView(Mapping):
    """networkx's ``G.succ`` / ``G.pred`` over a :class:`LiteGraph`: a node's neighbours in first-edge order,
    each with its edges by key in edge order (what networkx builds from the same edges), made on access."""

    def __init__(self, G: "LiteGraph", which: str):
        self._G, self._which = G, which

    def __getitem__(self, n) -> dict:
        if n not in self._G.nodes:
            raise KeyError(n)
        cache = self._G._views.setdefault(self._which, {})
        hit = cache.get(n)
        if hit is None:
            hit = {}
            end = 1 if self._which == "out" else 0
            for e in self._G._adjacency(self._which).get(n, ()):
                hit.setdefault(e[end], {})[e[2]] = e[3]
            cache[n] = hit
        return hit

    def __iter__(self):
        return iter(self._G.nodes)

    def __len__(self) -> int:
        return len(self._G.nodes)


def _positions(ends: list, index: dict) -> np.ndarray:
    """Each end's position (``index[end]``, int64; a KeyError for an end that is no node), looked up once per
    distinct object: the engine's edges share one string object per id (``build.read_rows``; a table read by
    another process comes back with one object per id too), so 3.8 million ends at scale 50 are about a
    million look-ups, found by grouping the ends' addresses in numpy. Scale 50: 5.6 s of look-ups before."""
    addresses = np.fromiter(map(id, ends), dtype=np.uint64, count=len(ends))
    _, first, inverse = np.unique(addresses, return_index=True, return_inverse=True)
    at = index.__getitem__
    found = np.fromiter(map(at, map(ends.__getitem__, first.tolist())), dtype=np.int64, count=len(first))
    return found[inverse.ravel()]


class _Incident(Mapping):
    """``{node: [edges]}`` out of (``ends`` the sources) or into (the targets) each node with an edge, in edge
    order: one stable sort of the ends' positions, and each node's list of edge tuples made on its first query
    and kept. A read-only mapping (iterated in the nodes' sorted order)."""

    def __init__(self, edges: list, index: dict, ends: np.ndarray):
        self._edges, self._index = edges, index
        self._order = np.argsort(ends, kind="stable")
        self._starts = np.concatenate(([0], np.cumsum(np.bincount(ends, minlength=len(index)))))
        self._made: dict = {}

    def get(self, n, default=None):
        hit = self._made.get(n)
        if hit is None:
            i = self._index.get(n)
            lo, hi = (self._starts[i], self._starts[i + 1]) if i is not None else (0, 0)
            if lo == hi:
                return default
            hit = self._made[n] = list(map(self._edges.__getitem__, self._order[lo:hi].tolist()))
        return hit

    def __getitem__(self, n) -> list:
        hit = self.get(n)
        if hit is None:
            raise KeyError(n)
        return hit

    def __iter__(self) -> Iterator:
        return (n for n, i in self._index.items() if self._starts[i] != self._starts[i + 1])

    def __len__(self) -> int:
        return int(np.count_nonzero(np.diff(self._starts)))


class LiteGraph:
    """Nodes and edges of one evaluation; adjacency built lazily on the first neighbourhood query."""

    def __init__(self, nodes: Iterable[tuple[str, dict]] = (), edges: Iterable[tuple] = (), **graph):
        self.graph = dict(graph)
        self.nodes = NodeView(nodes)
        self._edges: list[tuple] = []
        self._out: _Incident | None = None
        self._in: _Incident | None = None
        self._kinds: dict | None = None
        self._when: tuple | None = None  # each edge's date, and whether it is a tie (edge_dates)
        self._ends: tuple | None = None  # (node count, endpoint_arrays()) once read
        self._base: LiteGraph | None = None  # the whole graph this one is a window of (base())
        self._keep: np.ndarray | None = None
        self._views: dict = {}  # "out"/"in" -> node -> {neighbour: {key: attrs}} (see AdjacencyView)
        self._node_kinds: dict | None = None  # node -> kind (node_kinds)
        self.add_edges_from(edges)

    # -------------------------------------------------------------- building
    def add_node(self, n, **attrs) -> None:
        self.nodes.setdefault(n, {}).update(attrs)
        self._node_kinds = None

    def node_kinds(self, known: dict | None = None) -> dict:
        """``{node: kind}``, made once (or ``known``, made by the loader) and shared by the path search and the
        rules, in the processes forked after it too."""
        if known is not None:
            self._node_kinds = known
        elif self._node_kinds is None or len(self._node_kinds) != len(self.nodes):
            self._node_kinds = {n: d.get("kind") for n, d in self.nodes.items()}
        return self._node_kinds

    def add_edges_from(self, edges: Iterable[tuple], index: bool = False) -> None:
        """Add ``(u, v, key, attrs)`` edges; an endpoint that is not a node yet becomes one (in edge order).

        ``index=True`` builds the adjacency now and checks the endpoints against its keys (one look-up per
        node instead of a set of every edge's ends: what a whole graph read at once wants)."""
        edges = list(edges)
        nodes = self.nodes
        self._edges.extend(edges)
        self._out = self._in = self._kinds = self._when = self._ends = self._base = self._keep = None
        self._node_kinds = None
        self._views = {}
        if index:
            try:
                self._index()
                known = True
            except KeyError:  # an end that is no node (endpoint_arrays looks each one up)
                self._out = self._in = self._ends = None
                known = False
        else:
            ends = set(map(itemgetter(0), edges))
            ends.update(map(itemgetter(1), edges))
            known = ends <= nodes.keys()
        if not known:
            for e in edges:
                for n in e[:2]:
                    if n not in nodes:
                        nodes[n] = {}

    def add_edge(self, u, v, key=None, **attrs) -> str:
        key = key if key is not None else f"{attrs.get('kind', 'edge')}:{len(self._edges)}"
        self.add_edges_from([(u, v, key, attrs)])
        return key

    # -------------------------------------------------------------- networkx read API
    @property
    def _adj(self) -> dict:
        """Out-adjacency ``{u: {v: {key: attrs}}}`` as networkx keeps it (built on each call: prefer
        :meth:`out_edges`)."""
        return self._nested()

    def is_directed(self) -> bool:
        return True

    def is_multigraph(self) -> bool:
        return True

    def __contains__(self, n) -> bool:
        return n in self.nodes

    def __iter__(self) -> Iterator:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return len(self._edges)

    def edges(self, keys: bool = False, data: bool = False):
        if keys and data:
            return iter(self._edges)
        if keys:
            return ((u, v, k) for u, v, k, _ in self._edges)
        if data:
            return ((u, v, d) for u, v, _, d in self._edges)
        return ((u, v) for u, v, _, _ in self._edges)

    def by_kind(self) -> dict[str, list]:
        """Edges grouped by ``kind`` (in edge order), built once: rules and scales read one kind at a time."""
        if self._kinds is None:
            by: dict = defaultdict(list)
            get = by.__getitem__
            for e in self._edges:
                get(e[3]["kind"]).append(e)
            self._kinds = dict(by)
        return self._kinds

    def index(self) -> "LiteGraph":
        """Build the edges-by-kind and adjacency indexes now (the engine reads both), not on first use."""
        self.by_kind()
        self._adjacency("out")
        return self

    def _index(self) -> None:
        """Each node's out- and in-edges (:class:`_Incident`): the edges' endpoint positions sorted once, and a
        node's list of edge tuples made when it is first asked for. An evaluation asks for about 13,000 of
        145,000 nodes at scale 10; a list per node for every node took 1.2 s (and a window's as long again)."""
        _, index, src, dst = self.endpoint_arrays()
        self._out, self._in = _Incident(self._edges, index, src), _Incident(self._edges, index, dst)

    def _adjacency(self, which: str) -> Mapping:
        """``{node: [edges]}`` out of (``which="out"``) or into each node (:class:`_Incident`)."""
        if self._out is None:
            self._index()
        return self._out if which == "out" else self._in

    @property
    def succ(self) -> "AdjacencyView":
        """``G.succ[n]``: ``{successor: {key: attrs}}`` as networkx gives it (built per node on first access)."""
        return AdjacencyView(self, "out")

    @property
    def pred(self) -> "AdjacencyView":
        """``G.pred[n]``: ``{predecessor: {key: attrs}}`` as networkx gives it."""
        return AdjacencyView(self, "in")

    def _nested(self) -> dict:
        out: dict = defaultdict(lambda: defaultdict(dict))
        for u, v, k, d in self._edges:
            out[u][v][k] = d
        return out

    def get_edge_data(self, u, v, key=None, default=None):
        """``{key: attrs}`` of the edges from ``u`` to ``v`` (or one edge's attrs), scanning the shorter list."""
        outs, ins = self._adjacency("out").get(u, ()), self._adjacency("in").get(v, ())
        if len(outs) <= len(ins):
            d = {e[2]: e[3] for e in outs if e[1] == v}
        else:
            d = {e[2]: e[3] for e in ins if e[0] == u}
        if not d:
            return default
        return d.get(key, default) if key is not None else d

    def has_edge(self, u, v) -> bool:
        return self.get_edge_data(u, v) is not None

    def successors(self, n) -> Iterator:
        return iter(dict.fromkeys(e[1] for e in self._adjacency("out").get(n, ())))

    def predecessors(self, n) -> Iterator:
        return iter(dict.fromkeys(e[0] for e in self._adjacency("in").get(n, ())))

    def neighbors(self, n) -> Iterator:
        return self.successors(n)

    def out_edges(self, n, keys: bool = False, data: bool = False):
        return self._incident(self._adjacency("out").get(n, ()), keys, data)

    def in_edges(self, n, keys: bool = False, data: bool = False):
        return self._incident(self._adjacency("in").get(n, ()), keys, data)

    @staticmethod
    def _incident(edges: list, keys: bool, data: bool) -> list:
        if keys and data:
            return list(edges)
        if keys:
            return [(u, v, k) for u, v, k, _ in edges]
        if data:
            return [(u, v, d) for u, v, _, d in edges]
        return [(u, v) for u, v, _, _ in edges]

    def degree(self, n) -> int:
        return len(self._adjacency("out").get(n, ())) + len(self._adjacency("in").get(n, ()))

    def window(self, since: str | None = None, until: str | None = None, as_of: str | None = None) -> "LiteGraph":
        """The same nodes with the edges of a time window: a filter over this graph's edges, not a reload.

        Records count when dated ``since`` ≤ date ≤ the end (``until`` or ``as_of``, the earlier); ties
        (edges marked ``tie``) when they started on or before the end; undated edges always.
        """
        ends = [d for d in (until, as_of) if d]
        end = min(ends) if ends else None
        if not since and not end:
            return self
        dates, ties = self.edge_dates()
        keep = [i for i, day, tie in zip(range(len(dates)), dates, ties)
                if day is None or (end is None or day <= end) and (tie or since is None or day >= since)]
        H = LiteGraph(**{**self.graph, "since": since, "until": until, "as_of": as_of})
        H.nodes = self.nodes  # entities are always present; node attributes are shared, not copied
        H._node_kinds = self._node_kinds
        H._edges = list(map(self._edges.__getitem__, keep))
        H._base, H._keep = self, np.array(keep, dtype=np.int64)  # what the window keeps of this graph's edges
        return H

    def base(self) -> tuple["LiteGraph", "np.ndarray"] | None:
        """``(graph, positions)`` when this graph is a window of ``graph`` holding its edges at ``positions``
        (in order, an int64 array): what was computed per edge of the whole graph serves each window by
        selection."""
        return (self._base, self._keep) if self._base is not None else None

    def edge_dates(self) -> tuple[list, bytes]:
        """Each edge's date and whether it is a tie (1) or a record (0), read once (the report filters the graph
        by a dozen dates): a list of the edges' own date strings and one byte per edge. Call it before forking
        workers that filter, so they share it."""
        if self._when is None:
            self._when = ([d.get("date") for _, _, _, d in self._edges],
                          bytes(bool(d.get("tie")) for _, _, _, d in self._edges))
        return self._when

    def endpoint_arrays(self, exclude_kinds=frozenset()):
        """``(nodes, index, src, dst)``: node ids sorted, id → position, and each edge's endpoints as int64
        arrays (edges of ``exclude_kinds`` left out), for igraph without an adjacency pass. A window selects
        them from its whole graph's, read once."""
        if not exclude_kinds:
            if self._ends is not None and self._ends[0] == len(self.nodes):
                return self._ends[1]
            if self._base is not None and self._base.nodes is self.nodes:
                nodes, index, src, dst = self._base.endpoint_arrays()
                self._ends = (len(self.nodes), (nodes, index, src[self._keep], dst[self._keep]))
                return self._ends[1]
        nodes = sorted(self.nodes, key=str)
        index = {n: i for i, n in enumerate(nodes)}
        edges = [e for e in self._edges if e[3]["kind"] not in exclude_kinds] if exclude_kinds else self._edges
        src = _positions(list(map(itemgetter(0), edges)), index)
        dst = _positions(list(map(itemgetter(1), edges)), index)
        if not exclude_kinds:
            self._ends = (len(self.nodes), (nodes, index, src, dst))
        return nodes, index, src, dst

    def to_networkx(self, nodes: Iterable | None = None):
        """A networkx ``MultiDiGraph`` of the whole graph, or of the given nodes and the edges among them.

        The same graph ``add_nodes_from`` / ``add_edges_from`` would make (plain attribute dicts, the same
        node, neighbour and key order), written into networkx's adjacency dicts directly: about 4× faster
        than networkx's per-edge path at 700,000 edges.
        """
        import networkx as nx

        H = nx.MultiDiGraph(**self.graph)
        if nodes is None:
            node_items = list(self.nodes.items())
            edges = self._edges
        else:
            keep = set(nodes)
            node_items = [(n, self.nodes[n]) for n in keep if n in self.nodes]
            edges = [e for e in self._edges if e[0] in keep and e[1] in keep]
        node, succ, pred = H._node, H._succ, H._pred
        for n, attrs in node_items:
            node[n] = dict(attrs)
            succ[n] = {}
            pred[n] = {}
        for u, v, k, d in edges:
            if u not in node:  # an endpoint that is not a node (not in this graph's nodes)
                node[u], succ[u], pred[u] = {}, {}, {}
            if v not in node:
                node[v], succ[v], pred[v] = {}, {}, {}
            keydict = succ[u].get(v)
            if keydict is None:
                keydict = succ[u][v] = pred[v][u] = {}
            data = keydict.get(k)
            if data is None:
                keydict[k] = d.copy() if hasattr(d, "copy") else dict(d)
            else:
                data.update(d)
        return H
