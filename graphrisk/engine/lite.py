"""A compact multigraph with the read API of networkx's ``MultiDiGraph`` that the engine uses.

networkx stays the public graph model (``case.graph()``, maps, exports), but building a
``MultiDiGraph`` of every record costs about 12 s at 700,000 edges before any analysis starts. The
engine holds nodes as a dict and edges as one list of ``(u, v, key, attrs)`` tuples, indexes them
by endpoint only when asked, and hands networkx what it needs (:meth:`LiteGraph.to_networkx`).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator


class NodeView(dict):
    """``G.nodes``: a dict of node attributes that can also be called like networkx's view."""

    def __call__(self, data: bool = False):
        return self.items() if data else self.keys()


class LiteGraph:
    """Nodes and edges of one evaluation; adjacency built lazily on the first neighbourhood query."""

    def __init__(self, nodes: Iterable[tuple[str, dict]] = (), edges: Iterable[tuple] = (), **graph):
        self.graph = dict(graph)
        self.nodes = NodeView(nodes)
        self._edges: list[tuple] = []
        self._out: dict | None = None
        self._in: dict | None = None
        self.add_edges_from(edges)

    # -------------------------------------------------------------- building
    def add_node(self, n, **attrs) -> None:
        self.nodes.setdefault(n, {}).update(attrs)

    def add_edges_from(self, edges: Iterable[tuple]) -> None:
        nodes = self.nodes
        for e in edges:
            if e[0] not in nodes:
                nodes[e[0]] = {}
            if e[1] not in nodes:
                nodes[e[1]] = {}
            self._edges.append(e)
        self._out = self._in = None

    def add_edge(self, u, v, key=None, **attrs) -> str:
        key = key if key is not None else f"{attrs.get('kind', 'edge')}:{len(self._edges)}"
        self.add_edges_from([(u, v, key, attrs)])
        return key

    # -------------------------------------------------------------- networkx read API
    @property
    def _adj(self) -> dict:
        """Out-adjacency ``{u: {v: {key: attrs}}}`` as networkx keeps it."""
        return self._adjacency("out")

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

    def _index(self) -> None:
        out: dict = defaultdict(lambda: defaultdict(dict))
        inn: dict = defaultdict(lambda: defaultdict(dict))
        for u, v, k, d in self._edges:
            out[u][v][k] = d
            inn[v][u][k] = d
        self._out, self._in = out, inn

    def _adjacency(self, which: str) -> dict:
        if self._out is None:
            self._index()
        return self._out if which == "out" else self._in

    def get_edge_data(self, u, v, key=None, default=None):
        d = self._adjacency("out").get(u, {}).get(v)
        if not d:
            return default
        return d.get(key, default) if key is not None else d

    def has_edge(self, u, v) -> bool:
        return bool(self._adjacency("out").get(u, {}).get(v))

    def successors(self, n) -> Iterator:
        return iter(self._adjacency("out").get(n, {}))

    def predecessors(self, n) -> Iterator:
        return iter(self._adjacency("in").get(n, {}))

    def neighbors(self, n) -> Iterator:
        return self.successors(n)

    def out_edges(self, n, keys: bool = False, data: bool = False):
        return self._incident(self._adjacency("out").get(n, {}), n, keys, data, out=True)

    def in_edges(self, n, keys: bool = False, data: bool = False):
        return self._incident(self._adjacency("in").get(n, {}), n, keys, data, out=False)

    @staticmethod
    def _incident(adj: dict, n, keys: bool, data: bool, out: bool) -> list:
        res = []
        for m, kd in adj.items():
            u, v = (n, m) if out else (m, n)
            for k, d in kd.items():
                res.append((u, v, k, d) if keys and data else (u, v, k) if keys else (u, v, d) if data else (u, v))
        return res

    def degree(self, n) -> int:
        return sum(len(kd) for kd in self._adjacency("out").get(n, {}).values()) + \
            sum(len(kd) for kd in self._adjacency("in").get(n, {}).values())

    def window(self, since: str | None = None, until: str | None = None, as_of: str | None = None) -> "LiteGraph":
        """The same nodes with the edges of a time window: a filter over this graph's edges, not a reload.

        Records count when dated ``since`` ≤ date ≤ the end (``until`` or ``as_of``, the earlier); ties
        (edges marked ``tie``) when they started on or before the end; undated edges always.
        """
        ends = [d for d in (until, as_of) if d]
        end = min(ends) if ends else None
        if not since and not end:
            return self
        edges = []
        for e in self._edges:
            d = e[3]
            day = d.get("date")
            if day is None:
                edges.append(e)
            elif d.get("tie"):
                if end is None or day <= end:
                    edges.append(e)
            elif (since is None or day >= since) and (end is None or day <= end):
                edges.append(e)
        H = LiteGraph(**{**self.graph, "since": since, "until": until, "as_of": as_of})
        H.nodes = self.nodes  # entities are always present; node attributes are shared, not copied
        H._edges = edges
        return H

    def endpoint_arrays(self, exclude_kinds=frozenset()):
        """``(nodes, index, src, dst)``: node ids sorted, id → position, and each edge's endpoints as int64
        arrays (edges of ``exclude_kinds`` left out), for igraph without an adjacency pass."""
        import numpy as np

        nodes = sorted(self.nodes, key=str)
        index = {n: i for i, n in enumerate(nodes)}
        edges = [e for e in self._edges if e[3]["kind"] not in exclude_kinds] if exclude_kinds else self._edges
        src = np.array([index[e[0]] for e in edges], dtype=np.int64)
        dst = np.array([index[e[1]] for e in edges], dtype=np.int64)
        return nodes, index, src, dst

    def to_networkx(self, nodes: Iterable | None = None):
        """A networkx ``MultiDiGraph`` of the whole graph, or of the given nodes and the edges among them."""
        import networkx as nx

        H = nx.MultiDiGraph(**self.graph)
        if nodes is None:
            H.add_nodes_from(self.nodes.items())
            H.add_edges_from(self._edges)
            return H
        keep = set(nodes)
        H.add_nodes_from((n, self.nodes[n]) for n in keep if n in self.nodes)
        H.add_edges_from(e for e in self._edges if e[0] in keep and e[1] in keep)
        return H
