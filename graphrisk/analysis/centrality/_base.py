"""Shared pieces of the centrality measures: settings, backends, the simple projection."""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np

from ... import settings as settings_mod
from ...errors import GraphRiskError
from .._igraph import _signature

if TYPE_CHECKING:  # networkx is loaded where a function calls it: the engine's graph needs none of it
    import networkx as nx


MEASURES = ("degree", "weighted_degree", "pagerank", "eigenvector", "closeness", "betweenness", "brokerage")
BACKENDS = ("igraph", "networkx")
PARALLEL_MIN_NODES = 20000  # below this, forking workers costs more than it saves
TABLE = "centrality"


def _cfg(settings: dict | None) -> dict:
    return (settings or settings_mod.defaults())["centrality"]


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise GraphRiskError(f"unknown centrality backend '{backend}' (choose from {', '.join(BACKENDS)})")


_SIMPLE: "weakref.WeakKeyDictionary[nx.Graph, tuple]" = weakref.WeakKeyDictionary()


def _simple(G: nx.Graph) -> nx.Graph:
    """The undirected simple projection as a networkx Graph (networkx backend), cached like the igraph copy."""
    sig = _signature(G)
    hit = _SIMPLE.get(G)
    if hit is not None and hit[0] == sig:
        return hit[1]
    import networkx as nx
    H = nx.Graph()
    H.add_nodes_from(sorted(G, key=str))
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    try:
        _SIMPLE[G] = (sig, H)
    except TypeError:
        pass
    return H


def _by_index(view, values) -> dict:
    """``{node: value}`` of the view's nodes in order (values as Python floats, converted at once)."""
    return dict(zip(view.nodes, np.asarray(values, dtype=float).tolist(), strict=True))
