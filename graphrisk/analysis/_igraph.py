"""networkx → igraph conversion, done once per graph and cached.

networkx stays the public graph model; the heavy measures (PageRank,
eigenvector, closeness, betweenness, communities) run on an igraph copy of
the *undirected simple projection* (parallel records collapse into one tie,
directions and self-loops are dropped), or of the directed simple projection
when a measure asks for it.

Vertices are numbered in the order of ``sorted(G, key=str)``, so the same
graph always gives the same igraph graph and the same numbers. The copy is
cached per graph object (weakly, it goes when the graph goes) and rebuilt
when the graph's size or ``G.graph["data_version"]`` changes.
"""
from __future__ import annotations

import random
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import igraph as ig
import numpy as np

if TYPE_CHECKING:  # networkx is loaded where a function calls it: the engine's graph needs none of it
    import networkx as nx

_CACHE: "weakref.WeakKeyDictionary[nx.Graph, dict]" = weakref.WeakKeyDictionary()


@dataclass
class IGraphView:
    """An igraph copy of a networkx graph with the index ↔ node id mapping."""

    graph: ig.Graph
    nodes: list  # vertex index -> node id
    index: dict  # node id -> vertex index
    kinds: np.ndarray  # vertex index -> node kind ('' when absent)
    directed: bool
    _adjlist: list | None = field(default=None, repr=False)

    def adjlist(self) -> list[list[int]]:
        """Neighbour indices of every vertex (cached)."""
        if self._adjlist is None:
            self._adjlist = self.graph.get_adjlist(mode="all")
        return self._adjlist

    def of_kind(self, kind: str | None) -> list[int]:
        if kind is None:
            return list(range(len(self.nodes)))
        return np.flatnonzero(self.kinds == kind).tolist()


def _signature(G: nx.Graph) -> tuple:
    # O(N): number of nodes, of distinct neighbour pairs (or of edges), and the store's data version.
    size = G.number_of_edges() if hasattr(G, "endpoint_arrays") else sum(len(nbrs) for nbrs in G._adj.values())
    return (len(G), size, G.graph.get("data_version"),
            G.graph.get("since"), G.graph.get("until"), G.graph.get("as_of"))


def to_igraph(G: nx.Graph, directed: bool = False, exclude_kinds: frozenset | None = None) -> IGraphView:
    """The igraph copy of ``G`` (undirected simple projection unless ``directed``), cached.

    ``exclude_kinds``: edge kinds left out (a pair stays tied if any other record joins it);
    every node is kept.
    """
    sig = _signature(G)
    exclude = frozenset(exclude_kinds or ())
    try:
        slot = _CACHE.setdefault(G, {})
    except TypeError:  # not weak-referenceable: no cache
        slot = {}
    hit = slot.get((directed, exclude))
    if hit is not None and hit[0] == sig:
        return hit[1]
    view = _convert(G, directed, exclude)
    slot[(directed, exclude)] = (sig, view)
    return view


@contextmanager
def seeded(seed: int):
    """igraph's random generator seeded (ARPACK start vectors, Leiden, Louvain), restored afterwards."""
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


@dataclass
class Neighbours:
    """Distinct neighbours of every node of the undirected simple projection, as CSR arrays (no igraph): what
    brokerage reads in array passes; a sort of the edge array is all it takes."""

    nodes: list
    kinds: np.ndarray
    indptr: np.ndarray  # int64, n + 1
    indices: np.ndarray  # int64, each node's neighbours ascending


def neighbours(G) -> Neighbours:
    """:class:`Neighbours` of a compact graph (``endpoint_arrays``), or from its cached igraph copy."""
    hit = _CACHE.get(G, {}).get((False, frozenset())) if _weakrefable(G) else None
    if hit is not None and hit[0] == _signature(G) or not hasattr(G, "endpoint_arrays"):
        view = to_igraph(G)
        adj = [sorted(x) for x in view.adjlist()]
        indptr = np.cumsum([0] + [len(x) for x in adj], dtype=np.int64)
        return Neighbours(view.nodes, view.kinds, indptr, np.fromiter((i for x in adj for i in x), dtype=np.int64,
                                                                      count=int(indptr[-1])))
    nodes, _index, a, b = G.endpoint_arrays()
    n = len(nodes)
    keep = a != b
    a, b = a[keep], b[keep]
    keys = _distinct(np.concatenate((a * max(n, 1) + b, b * max(n, 1) + a)))  # both directions
    src = keys // max(n, 1)
    indptr = np.searchsorted(src, np.arange(n + 1)).astype(np.int64)
    kinds = np.array([G.nodes[x].get("kind") or "" for x in nodes], dtype=object)
    return Neighbours(nodes, kinds, indptr, keys % max(n, 1))


def _distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique``, whose hash-based path is about 10× slower on a million keys)."""
    keys = np.sort(keys)
    if len(keys):
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys


def _weakrefable(G) -> bool:
    try:
        weakref.ref(G)
    except TypeError:
        return False
    return True


def clear_cache() -> None:
    _CACHE.clear()


def _kept(keydict: dict, exclude: frozenset, multi: bool) -> bool:
    if not exclude:
        return True
    if not multi:
        return keydict.get("kind") not in exclude
    return any(d.get("kind") not in exclude for d in keydict.values())


def _convert(G: nx.Graph, directed: bool, exclude: frozenset = frozenset()) -> IGraphView:
    if hasattr(G, "endpoint_arrays"):  # the engine's compact graph (or edge arrays): no adjacency pass
        nodes, index, a, b = G.endpoint_arrays(exclude)
    else:
        nodes = sorted(G, key=str)
        index = {n: i for i, n in enumerate(nodes)}
        src: list[int] = []
        dst: list[int] = []
        multi = G.is_multigraph()
        get = index.__getitem__
        for u, nbrs in G._adj.items():  # distinct successors (or neighbours), whatever the multiplicity
            if exclude:
                nbrs = [v for v, data in nbrs.items() if _kept(data, exclude, multi)]
            src.extend([index[u]] * len(nbrs))
            dst.extend(map(get, nbrs))
        a = np.asarray(src, dtype=np.int64)
        b = np.asarray(dst, dtype=np.int64)
    n = len(nodes)
    keep = a != b  # no self-loops
    a, b = a[keep], b[keep]
    if not directed:
        a, b = np.minimum(a, b), np.maximum(a, b)
    keys = _distinct(a * max(n, 1) + b)  # a deterministic edge order
    # pairs of Python ints: igraph reads a list of tuples about twice as fast as a numpy array
    pairs = zip((keys // max(n, 1)).tolist(), (keys % max(n, 1)).tolist())
    g = ig.Graph(n=n, edges=list(pairs), directed=directed)
    kinds = np.array([G.nodes[x].get("kind") or "" for x in nodes], dtype=object)
    return IGraphView(graph=g, nodes=nodes, index=index, kinds=kinds, directed=directed)
