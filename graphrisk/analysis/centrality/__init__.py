"""Centrality of officials, people, companies and units.

Every function takes the graph first, returns a plain ``{node: value}`` dict
and never changes its input. Structural measures run on the *undirected
simple projection* of the graph (parallel records between two entities
collapse into one tie, directions and self-loops are dropped), computed with
igraph on a cached copy (``graphrisk.analysis._igraph``); ``backend="networkx"``
computes the same definitions with plain networkx (used by the benchmark and
by tests as a cross-check).

Measures
--------
degree
    Number of distinct entities tied to the node by any record.
weighted_degree
    Sum of the amounts of the records around the node, over the edge kinds of
    setting ``[centrality] weighted_degree_kinds`` (gifts, sponsored trips,
    contracts, approvals). A contract counts once for its awarding unit, once
    for its supplier and once for the official who approved it. Counts and
    amounts per edge kind are in :func:`degree_by_kind`.
pagerank
    PageRank (damping ``pagerank_alpha``, unweighted), undirected unless
    ``pagerank_directed``. igraph's PRPACK solver is exact; the networkx path
    uses ``tol = pagerank_tol`` (1e-10: networkx stops at N x tol).
eigenvector
    Eigenvector centrality scaled so the largest is 1. On a disconnected graph
    it concentrates on the component with the largest eigenvalue (others ~0).
closeness
    Wasserman-Faust closeness (as networkx): ``(r-1)/(N-1) * (r-1)/sum(d)``
    over the ``r`` nodes the node can reach. Components above
    ``exact_closeness_max_nodes`` nodes get the Eppstein-Wang estimate: the
    average distance to ``closeness_samples`` random pivots.
betweenness
    Normalised betweenness (pairs / ((N-1)(N-2)/2)), exact up to
    ``exact_betweenness_max_nodes`` nodes, else the Brandes-Pich estimate from
    ``betweenness_samples`` random source pivots, scaled by N/k. The
    estimate's error is measured and stated (see :func:`sampling_error`).
brokerage
    Officials only; see :func:`brokerage`.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("O1", kind="official"); G.add_node("C1", kind="company"); G.add_node("C2", kind="company")
>>> _ = G.add_edge("C1", "O1", kind="gift", amount=100.0)
>>> _ = G.add_edge("O1", "C2", kind="approved", amount=5.0)
>>> degree(G)["O1"], weighted_degree(G)["O1"], brokerage(G)["O1"]
(2, 105.0, 2)
"""
from __future__ import annotations

from ._base import BACKENDS, MEASURES, PARALLEL_MIN_NODES, TABLE, _simple  # noqa: F401
from .betweenness import _error_note, _spearman, betweenness, sampling_error  # noqa: F401
from .brokerage import brokerage, brokerage_detail  # noqa: F401
from .result import CentralityResult, compute, expand_measures, ranked  # noqa: F401
from .simple import _edges, closeness, degree, degree_by_kind, eigenvector, pagerank, weighted_degree  # noqa: F401
from .storage import RunWriter, compare, latest, load_run, run_params, runs, store_run  # noqa: F401

__all__ = [
    "MEASURES", "CentralityResult", "RunWriter", "compute", "store_run", "latest", "compare", "load_run", "runs", "run_params",
    "degree", "weighted_degree", "degree_by_kind", "pagerank", "eigenvector", "closeness", "betweenness",
    "sampling_error", "brokerage", "brokerage_detail", "ranked", "expand_measures",
]
