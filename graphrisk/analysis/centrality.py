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

import json
import multiprocessing as mp
import time
import warnings
import weakref
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import networkx as nx
import numpy as np

from .. import schema, store
from .. import settings as settings_mod
from ..errors import GraphRiskError, NotFound
from ._igraph import _signature, seeded, to_igraph

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
    H = nx.Graph()
    H.add_nodes_from(sorted(G, key=str))
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    try:
        _SIMPLE[G] = (sig, H)
    except TypeError:
        pass
    return H


def _by_index(view, values) -> dict:
    return {view.nodes[i]: float(x) for i, x in enumerate(values)}


# ---------------------------------------------------------------- simple measures

def degree(G: nx.Graph, *, backend: str = "igraph") -> dict:
    """Number of distinct neighbours of each node (any record, either direction)."""
    _check_backend(backend)
    if backend == "networkx":
        H = _simple(G)
        return {n: d for n, d in H.degree()}
    view = to_igraph(G)
    return {view.nodes[i]: d for i, d in enumerate(view.graph.degree())}


def _money_kinds(settings: dict | None, kinds: Iterable[str] | None) -> set[str]:
    kinds = set(kinds if kinds is not None else _cfg(settings)["weighted_degree_kinds"])
    unknown = kinds - set(schema.EDGE_KINDS)
    if unknown:
        raise GraphRiskError(f"unknown edge kind(s) for weighted degree: {', '.join(sorted(unknown))}")
    return kinds


def _amount(d: dict) -> float:
    a = d.get("amount")
    if a is None:
        return 0.0
    try:
        a = float(a)
    except (TypeError, ValueError):
        return 0.0
    return a if a == a else 0.0  # NaN -> 0


def _edges(G: nx.Graph) -> Iterator[tuple]:
    """(u, v, data) of every edge, straight from the adjacency (much faster than ``G.edges(data=True)``)."""
    if hasattr(G, "endpoint_arrays"):  # the engine's compact graph: its edge list, no adjacency
        yield from G.edges(data=True)
    elif G.is_directed() and G.is_multigraph():
        for u, nbrs in G._adj.items():
            for v, kd in nbrs.items():
                for d in kd.values():
                    yield u, v, d
    else:
        yield from G.edges(data=True)


def _kind_pass(G: nx.Graph, money: set[str] | None, counts: bool) -> tuple[dict, dict]:
    """One pass over the edges: weighted degree over ``money`` kinds and, if asked, counts per kind."""
    wd = {n: 0.0 for n in G}
    by: dict = {n: {} for n in G} if counts else {}
    seen: set = set()
    contract_kinds = {k for k, e in schema.EDGE_KINDS.items() if e.decision}  # one record, two edges
    for u, v, d in _edges(G):
        kind = d.get("kind") or "?"
        a = d.get("amount")
        if a is not None:
            a = _amount(d)
        if counts:
            for n in ((u,) if u == v else (u, v)):
                slot = by[n].get(kind)
                if slot is None:
                    slot = by[n][kind] = {"count": 0, "amount": 0.0}
                slot["count"] += 1
                if a:
                    slot["amount"] += a
        if not a or money is None or kind not in money:
            continue
        rid = d.get("record_id")
        for n in ((u,) if u == v else (u, v)):
            if rid is not None and kind in contract_kinds:
                key = (n, rid)
                if key in seen:
                    continue
                seen.add(key)
            wd[n] += a
    return wd, by


def degree_by_kind(G: nx.Graph) -> dict:
    """``{node: {edge kind: {"count": records, "amount": sum of amounts}}}`` over the records touching each node.

    Every edge counts for both ends (a gift counts for giver and recipient).
    """
    return _kind_pass(G, None, True)[1]


def weighted_degree(G: nx.Graph, kinds: Iterable[str] | None = None, *, settings: dict | None = None) -> dict:
    """Sum of the amounts of the records of ``kinds`` touching each node (default: the settings' kinds).

    A record that gives two edges to the same node (a contract's ``contract``
    and ``approved`` edges both reach the supplier) counts once for it.
    """
    return _kind_pass(G, _money_kinds(settings, kinds), False)[0]


# ---------------------------------------------------------------- spectral

def pagerank(G: nx.Graph, *, settings: dict | None = None, backend: str = "igraph") -> dict:
    """PageRank (unweighted; damping and direction from settings); sums to 1."""
    _check_backend(backend)
    cfg = _cfg(settings)
    directed = bool(cfg["pagerank_directed"])
    if backend == "networkx":
        H = nx.DiGraph(G) if directed else _simple(G)
        if directed:
            H.remove_edges_from(list(nx.selfloop_edges(H)))
        return nx.pagerank(H, alpha=cfg["pagerank_alpha"], tol=cfg["pagerank_tol"], weight=None, max_iter=10000)
    view = to_igraph(G, directed=directed)
    if view.graph.vcount() == 0:
        return {}
    vals = view.graph.pagerank(directed=directed, damping=cfg["pagerank_alpha"], implementation="prpack")
    return _by_index(view, _round_sig(np.asarray(vals, dtype=float)))


def eigenvector(G: nx.Graph, *, settings: dict | None = None, backend: str = "igraph") -> dict:
    """Eigenvector centrality of the undirected projection, scaled so the largest value is 1."""
    _check_backend(backend)
    if backend == "networkx":
        H = _simple(G)
        if H.number_of_edges() == 0:
            return {n: 0.0 for n in H}
        vals = nx.eigenvector_centrality(H, max_iter=10000, tol=1e-10, weight=None)
        top = max(vals.values()) or 1.0
        return {n: v / top for n, v in vals.items()}
    view = to_igraph(G)
    g = view.graph
    if g.ecount() == 0:
        return {n: 0.0 for n in view.nodes}
    with warnings.catch_warnings(), seeded(_cfg(settings)["seed"]):
        warnings.simplefilter("ignore", RuntimeWarning)  # "graph may not be connected": documented above
        vals = np.abs(np.asarray(g.eigenvector_centrality(scale=True), dtype=float))
    vals[vals < 1e-12] = 0.0
    return _by_index(view, _round_sig(vals))


def _round_sig(x: np.ndarray, digits: int = 12) -> np.ndarray:
    """Round to ``digits`` significant digits: iterative solvers' last-bit noise must not reorder ties."""
    out = x.astype(float).copy()
    nz = out != 0
    mag = np.floor(np.log10(np.abs(out[nz])))
    scale = 10.0 ** (digits - 1 - mag)
    out[nz] = np.round(out[nz] * scale) / scale
    return out


# ---------------------------------------------------------------- closeness

def closeness(G: nx.Graph, *, settings: dict | None = None, backend: str = "igraph") -> dict:
    """Wasserman-Faust closeness; components above ``exact_closeness_max_nodes`` estimated from pivots."""
    return _closeness(G, _cfg(settings), backend)[0]


def _closeness(G: nx.Graph, cfg: dict, backend: str) -> tuple[dict, dict]:
    _check_backend(backend)
    view = to_igraph(G)
    g = view.graph
    n = g.vcount()
    if n == 0:
        return {}, {"method": "exact"}
    comps = g.connected_components()
    memb = np.asarray(comps.membership)
    sizes = np.asarray(comps.sizes())
    r = sizes[memb].astype(float)
    limit = cfg["exact_closeness_max_nodes"]
    big = sizes > limit
    exact_vs = np.flatnonzero(~big[memb]).tolist()
    reach = np.zeros(n)  # closeness over reachable nodes: (r-1)/sum(d)
    H = _simple(G) if backend == "networkx" else None
    if exact_vs:
        if backend == "networkx":
            for i in exact_vs:
                d = nx.single_source_shortest_path_length(H, view.nodes[i])
                tot = sum(d.values())
                reach[i] = (len(d) - 1) / tot if tot else 0.0
        else:
            vals = g.closeness(vertices=exact_vs, mode="all", normalized=True)
            reach[exact_vs] = np.nan_to_num(np.asarray(vals, dtype=float))
    info: dict = {"method": "exact"}
    big_vs = np.flatnonzero(big[memb])
    if len(big_vs):
        k = min(cfg["closeness_samples"], len(big_vs))
        rng = np.random.default_rng(cfg["seed"])
        pivots = np.sort(rng.choice(big_vs, size=k, replace=False)).tolist()
        tot = np.zeros(n)
        cnt = np.zeros(n)
        for chunk in _chunks(pivots, 32):
            if backend == "networkx":
                D = np.full((len(chunk), n), np.inf)
                for row, p in enumerate(chunk):
                    for node, dist in nx.single_source_shortest_path_length(H, view.nodes[p]).items():
                        D[row, view.index[node]] = dist
            else:
                D = np.asarray(g.distances(source=chunk, mode="all"), dtype=float)
            ok = np.isfinite(D) & (D > 0)
            tot += np.where(ok, D, 0.0).sum(axis=0)
            cnt += ok.sum(axis=0)
        est = np.divide(cnt, tot, out=np.zeros(n), where=tot > 0)  # 1 / mean distance to the pivots
        reach[big_vs] = est[big_vs]
        info = {"method": "sampled", "pivots": k, "estimated_nodes": int(len(big_vs)),
                "note": f"closeness of {len(big_vs):,} nodes in components above {limit:,} nodes estimated "
                        f"from the mean distance to {k} random pivots (Eppstein-Wang)"}
    scale = np.where(n > 1, (r - 1) / max(n - 1, 1), 0.0)
    return _by_index(view, reach * scale), info


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# ---------------------------------------------------------------- betweenness

_WORK_GRAPH = None  # the igraph graph a forked worker reads


def _btw_part(sources: list[int]) -> np.ndarray:
    return np.asarray(_WORK_GRAPH.betweenness(directed=False, sources=sources), dtype=float)


def _source_betweenness(g, sources: list[int], workers: int) -> np.ndarray:
    """Sum over the sources of half their dependencies (igraph's subset betweenness), over ``workers`` processes."""
    global _WORK_GRAPH
    if workers > 1 and g.vcount() >= PARALLEL_MIN_NODES and len(sources) >= 2 * workers \
            and "fork" in mp.get_all_start_methods():
        _WORK_GRAPH = g
        try:
            with mp.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_btw_part, [sources[i::workers] for i in range(workers)])
        finally:
            _WORK_GRAPH = None
        total = np.zeros(g.vcount())
        for p in parts:  # fixed order: same numbers for the same settings
            total += p
        return total
    return np.asarray(g.betweenness(directed=False, sources=sources), dtype=float)


def _norm(n: int) -> float:
    return (n - 1) * (n - 2) / 2 if n > 2 else 1.0


def betweenness(G: nx.Graph, *, settings: dict | None = None, backend: str = "igraph") -> dict:
    """Normalised betweenness: exact up to ``exact_betweenness_max_nodes`` nodes, else sampled."""
    return _betweenness(G, _cfg(settings), backend, check_error=False)[0]


def _betweenness(G: nx.Graph, cfg: dict, backend: str, check_error: bool = True) -> tuple[dict, dict]:
    _check_backend(backend)
    view = to_igraph(G)
    g = view.graph
    n = g.vcount()
    limit = cfg["exact_betweenness_max_nodes"]
    sampled = n > limit
    k = min(cfg["betweenness_samples"], n)
    if backend == "networkx":
        H = _simple(G)
        vals = nx.betweenness_centrality(H, k=k if sampled else None, seed=cfg["seed"] if sampled else None,
                                         normalized=True)
        values = {node: float(vals[node]) for node in view.nodes}
    elif not sampled:
        raw = np.asarray(g.betweenness(directed=False), dtype=float)
        values = _by_index(view, raw / _norm(n))
    else:
        sources = _pivots(n, k, cfg["seed"])
        raw = _source_betweenness(g, sources, cfg["workers"]) * n / k
        values = _by_index(view, raw / _norm(n))
    if not sampled:
        return values, {"method": "exact", "nodes": n}
    info = {"method": "sampled", "nodes": n, "pivots": k, "threshold": limit}
    if check_error:
        info["error"] = sampling_error(G, settings={"centrality": cfg})
        info["note"] = _error_note(info)
    return values, info


def _pivots(n: int, k: int, seed: int) -> list[int]:
    return np.sort(np.random.default_rng(seed).choice(n, size=k, replace=False)).tolist()


def sampling_error(G: nx.Graph, *, settings: dict | None = None, samples: int | None = None,
                   check_nodes: int | None = None, top: int = 100) -> dict:
    """How far sampled betweenness is from exact, measured on a subgraph small enough for exact.

    The subgraph is the first ``check_nodes`` (``error_check_nodes``) nodes of
    a breadth-first search from a seeded random node of the largest component;
    on it, betweenness from ``samples`` pivots (``betweenness_samples``, at
    most half the subgraph) is compared with exact betweenness. Returns
    ``spearman_top`` (rank correlation over the ``top`` nodes by exact value),
    ``overlap_top`` (share of the exact top found in the sampled top),
    ``max_abs_error`` (normalised units), ``median_rel_error_top`` and
    ``max_rel_error_top``. The estimator's error depends mostly on k, not on
    the graph's size, so these figures are of the order of the error on the
    full graph with the same k.
    """
    cfg = _cfg(settings)
    k = samples or cfg["betweenness_samples"]
    m = check_nodes or cfg["error_check_nodes"]
    g = to_igraph(G).graph
    comps = g.connected_components()
    if g.vcount() == 0:
        return {}
    sizes = comps.sizes()  # comps[c] rebuilds the member list on every call: take the sizes once
    giant = max(range(len(sizes)), key=lambda c: (sizes[c], -c))
    members = comps[giant]
    rng = np.random.default_rng(cfg["seed"])
    root = members[int(rng.integers(len(members)))]
    order = g.bfs(root, mode="all")[0]
    sub = g.induced_subgraph(sorted(order[:m]))
    n = sub.vcount()
    kk = max(1, min(k, n // 2))
    exact = np.asarray(sub.betweenness(directed=False), dtype=float) / _norm(n)
    est = np.asarray(sub.betweenness(directed=False, sources=_pivots(n, kk, cfg["seed"])), dtype=float) \
        * n / kk / _norm(n)
    t = min(top, n)
    ids = np.arange(n)
    top_exact = np.lexsort((ids, -exact))[:t]
    top_est = np.lexsort((ids, -est))[:t]
    rel = np.abs(est[top_exact] - exact[top_exact]) / np.where(exact[top_exact] > 0, exact[top_exact], 1.0)
    return {
        "check_nodes": n, "check_edges": sub.ecount(), "pivots": kk, "top": t,
        "spearman_top": _round(_spearman(exact[top_exact], est[top_exact])),
        "overlap_top": _round(len(set(top_exact.tolist()) & set(top_est.tolist())) / t if t else 1.0),
        "max_abs_error": _round(float(np.max(np.abs(est - exact))) if n else 0.0),
        "median_rel_error_top": _round(float(np.median(rel)) if t else 0.0),
        "max_rel_error_top": _round(float(np.max(rel)) if t else 0.0),
    }


def _round(x: float) -> float:
    return float(f"{x:.4g}")


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    xs = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and xs[j + 1] == xs[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0
        i = j + 1
    return ranks


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 2:
        return 1.0
    ra, rb = _ranks(a), _ranks(b)
    if ra.std() == 0 or rb.std() == 0:
        return 1.0 if np.array_equal(ra, rb) else 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


def _error_note(info: dict) -> str:
    e = info.get("error") or {}
    if not e:
        return f"betweenness sampled from {info['pivots']} pivots"
    return (f"betweenness sampled from {info['pivots']} pivots ({info['nodes']:,} nodes, above "
            f"{info['threshold']:,}); measured against exact on a {e['check_nodes']:,}-node subgraph with "
            f"{e['pivots']} pivots: rank correlation of the top {e['top']} {e['spearman_top']:.2f}, "
            f"top-{e['top']} overlap {e['overlap_top']:.0%}, median relative error of the top "
            f"{e['median_rel_error_top']:.1%} (max {e['max_rel_error_top']:.0%}), "
            f"max absolute error {e['max_abs_error']:.2g}")


# ---------------------------------------------------------------- brokerage

def brokerage(G: nx.Graph, *, backend: str = "igraph") -> dict:
    """Number of companies each official brokers: ``{official: count}``.

    Let ``C(o)`` be the companies tied to official ``o`` by any record, in
    either direction. Two companies ``a, b`` of ``C(o)`` are *otherwise
    connected* when they are tied to each other or share a neighbour other
    than ``o`` (a path of length ≤ 2 not through ``o``: a common supplier
    unit, owner, director, ...). ``o`` brokers ``a`` when some ``b`` in
    ``C(o)`` is not otherwise connected to ``a``: without ``o``, ``a`` and
    ``b`` would be at least three steps apart. The value is the number of
    brokered companies; the number of brokered pairs is in
    :func:`brokerage_detail`. Cost: the sum, over officials, of the degrees
    of their companies.
    """
    return {o: d["companies"] for o, d in brokerage_detail(G, backend=backend).items()}


def brokerage_detail(G: nx.Graph, *, backend: str = "igraph") -> dict:
    """``{official: {"companies", "pairs", "adjacent_companies", "brokered"}}`` (see :func:`brokerage`)."""
    _check_backend(backend)
    if backend == "networkx":
        H = _simple(G)
        nbrs = lambda x: H.adj[x]  # noqa: E731
        officials = sorted((n for n, d in G.nodes(data=True) if d.get("kind") == "official"), key=str)
        is_company = {n for n, d in G.nodes(data=True) if d.get("kind") == "company"}.__contains__
        name = lambda x: x  # noqa: E731
    else:
        view = to_igraph(G)
        adj = view.adjlist()
        nbrs = adj.__getitem__
        officials = view.of_kind("official")
        flags = view.kinds == "company"
        is_company = flags.__getitem__
        name = view.nodes.__getitem__
    out = {}
    for o in officials:
        comps = [x for x in nbrs(o) if is_company(x)]
        d = len(comps)
        entry = {"companies": 0, "pairs": 0, "adjacent_companies": d, "brokered": []}
        if d >= 2:
            cset = set(comps)
            partners: dict = {a: set() for a in comps}
            groups: dict = defaultdict(list)
            for a in comps:
                for w in nbrs(a):
                    if w == o:
                        continue
                    if w in cset:
                        partners[a].add(w)
                    else:
                        groups[w].append(a)
            for members in groups.values():
                if len(members) > 1:
                    ms = set(members)
                    for a in members:
                        partners[a] |= ms
            connected = 0
            brokered = []
            for a in comps:
                partners[a].discard(a)
                connected += len(partners[a])
                if len(partners[a]) < d - 1:
                    brokered.append(name(a))
            entry["pairs"] = d * (d - 1) // 2 - connected // 2
            entry["companies"] = len(brokered)
            entry["brokered"] = sorted(brokered, key=str)
        out[name(o)] = entry
    return out


# ---------------------------------------------------------------- combined

@dataclass
class CentralityResult(Mapping):
    """Values of several measures on one graph; a read-only mapping ``measure -> {node: value}``.

    ``values`` holds the nodes of ``kind`` only (all nodes when ``kind`` is
    None; brokerage has officials only). ``info`` says per measure how it was
    computed (exact or sampled, pivots, the measured sampling error),
    ``notes`` the sentences to show users, ``details`` the per-kind counts and
    amounts of weighted degree and the brokered pairs.
    """

    measures: list[str]
    values: dict[str, dict]
    kind: str | None = None
    backend: str = "igraph"
    info: dict[str, dict] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    details: dict[str, dict] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    graph: dict = field(default_factory=dict)

    def __getitem__(self, measure: str) -> dict:
        return self.values[measure]

    def __iter__(self):
        return iter(self.measures)

    def __len__(self) -> int:
        return len(self.measures)

    def __hash__(self):  # a result is a record, compared by identity
        return id(self)

    def ranked(self, measure: str) -> list[tuple]:
        """``[(node, value, rank)]``, highest first, ties by node id; rank 1 is the highest."""
        return ranked(self.values[measure])

    def top(self, measure: str, n: int | None = None) -> list[tuple]:
        r = self.ranked(measure)
        return r if n is None else r[:n]

    def params(self) -> dict:
        """What a stored run records: measures, kind, backend, graph window and per-measure info."""
        return {"measures": self.measures, "kind": self.kind, "backend": self.backend,
                "graph": self.graph, "info": self.info}


def ranked(values: Mapping) -> list[tuple]:
    """``[(node, value, rank)]`` sorted by value descending, then node id; ranks 1..n."""
    items = sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return [(node, v, i + 1) for i, (node, v) in enumerate(items)]


def expand_measures(measures: Iterable[str] | str | None) -> list[str]:
    if measures is None or measures == "all":
        return list(MEASURES)
    if isinstance(measures, str):
        measures = [measures]
    out = []
    for m in measures:
        if m == "all":
            return list(MEASURES)
        if m not in MEASURES:
            raise GraphRiskError(f"unknown centrality measure '{m}' (choose from {', '.join(MEASURES)}, all)")
        if m not in out:
            out.append(m)
    return out


def compute(G: nx.Graph, measures: Iterable[str] | str | None = None, kind: str | None = None,
            settings: dict | None = None, *, backend: str = "igraph",
            check_error: bool = True) -> CentralityResult:
    """Compute ``measures`` (default all) on ``G``; keep the nodes of ``kind`` (e.g. "official").

    Measures always run on the whole graph; ``kind`` only selects which nodes
    the result (and its ranks) hold.
    """
    _check_backend(backend)
    if kind is not None and kind not in schema.NODE_KINDS:
        raise GraphRiskError(f"unknown node kind '{kind}' (choose from {', '.join(schema.NODE_KINDS)})")
    settings = settings or settings_mod.defaults()
    cfg = settings["centrality"]
    ms = expand_measures(measures)
    res = CentralityResult(measures=ms, values={}, kind=kind, backend=backend,
                           graph={"nodes": G.number_of_nodes(), "edges": _edge_count(G),
                                  **{k: G.graph.get(k) for k in ("since", "until", "as_of", "data_version")}})
    for m in ms:
        t0 = time.perf_counter()
        info: dict = {}
        if m == "degree":
            vals = degree(G, backend=backend)
        elif m == "weighted_degree":
            vals, res.details[m] = _kind_pass(G, _money_kinds(settings, None), True)
            info = {"kinds": sorted(cfg["weighted_degree_kinds"])}
        elif m == "pagerank":
            vals = pagerank(G, settings=settings, backend=backend)
            info = {"alpha": cfg["pagerank_alpha"], "directed": cfg["pagerank_directed"],
                    "solver": "prpack" if backend == "igraph" else f"power iteration, tol {cfg['pagerank_tol']}"}
        elif m == "eigenvector":
            vals = eigenvector(G, settings=settings, backend=backend)
        elif m == "closeness":
            vals, info = _closeness(G, cfg, backend)
        elif m == "betweenness":
            vals, info = _betweenness(G, cfg, backend, check_error=check_error)
        else:  # brokerage
            detail = brokerage_detail(G, backend=backend)
            vals = {o: float(d["companies"]) for o, d in detail.items()}
            res.details[m] = detail
            info = {"definition": "companies tied to the official with another such company at 3+ steps "
                                  "without the official"}
        if kind is not None:
            vals = {n: v for n, v in vals.items() if G.nodes[n].get("kind") == kind}
        res.values[m] = vals
        if info:
            res.info[m] = info
            if info.get("note"):
                res.notes[m] = info["note"]
        res.seconds[m] = round(time.perf_counter() - t0, 3)
    return res


def _edge_count(G: nx.Graph) -> int:
    """``G.number_of_edges()`` without networkx's per-node degree views (10x faster on a multigraph)."""
    if not G.is_multigraph() or hasattr(G, "endpoint_arrays"):
        return G.number_of_edges()
    n = sum(len(kd) for nbrs in G._adj.values() for kd in nbrs.values())
    return n if G.is_directed() else (n + sum(len(G._adj[u].get(u, ())) for u in G)) // 2


# ---------------------------------------------------------------- store

def _ensure_table(db) -> None:
    if TABLE not in db.table_names():
        db[TABLE].create({"run_id": int, "node_id": str, "measure": str, "value": float, "rank": int})
        db[TABLE].create_index(["run_id", "measure"])
        db[TABLE].create_index(["node_id"])


def store_run(db, result: CentralityResult, params: dict | None = None, settings: dict | None = None,
              seconds: float | None = None) -> int:
    """Write ``result`` as one run (table ``centrality``: run_id, node_id, measure, value, rank); return its id.

    The run's row in ``runs`` (kind "centrality") records ``result.params()``
    merged with ``params``, the settings and the graph's window. Per-kind
    counts and amounts of weighted degree are stored as measures
    ``degree.<kind>`` and ``weighted_degree.<kind>`` (non-zero values only),
    brokered pairs as ``brokerage_pairs``.
    """
    settings = settings or settings_mod.defaults()
    _ensure_table(db)
    g = result.graph
    run_params = {**result.params(), **(params or {})}
    run_id = store.start_run(db, "centrality", run_params, settings_mod.fingerprint(settings),
                             as_of=g.get("as_of"), since=g.get("since"), until=g.get("until"))
    extra: dict[str, dict] = {}
    if "weighted_degree" in result.details:
        for node, kinds in result.details["weighted_degree"].items():
            if result.kind is not None and node not in result.values["weighted_degree"]:
                continue
            for k, s in kinds.items():
                extra.setdefault(f"degree.{k}", {})[node] = float(s["count"])
                if s["amount"]:
                    extra.setdefault(f"weighted_degree.{k}", {})[node] = s["amount"]
    if "brokerage" in result.details:
        extra["brokerage_pairs"] = {o: float(d["pairs"]) for o, d in result.details["brokerage"].items()}
    with db.conn:
        for measure, vals in list(result.values.items()) + sorted(extra.items()):
            db.conn.executemany(
                f"insert into [{TABLE}] (run_id, node_id, measure, value, rank) values (?, ?, ?, ?, ?)",
                ((run_id, str(node), measure, float(v), rank) for node, v, rank in ranked(vals)))
    store.finish_run(db, run_id, seconds if seconds is not None else sum(result.seconds.values()))
    return run_id


def runs(db, measure: str | None = None) -> list[dict]:
    """Stored centrality runs, newest first (optionally only those holding ``measure``)."""
    rows = list(db.query("select * from runs where kind = 'centrality' order by id desc"))
    if measure is None or TABLE not in db.table_names():
        return rows
    have = {r["run_id"] for r in db.query(f"select distinct run_id from [{TABLE}] where measure = ?", [measure])}
    return [r for r in rows if r["id"] in have]


def _reference_day(run: dict) -> str:
    return (run.get("as_of") or run.get("until") or run["created_at"])[:10]


def _load_ranked(db, run_id: int, measure: str) -> tuple[dict, dict]:
    if TABLE not in db.table_names():
        raise NotFound("no centrality runs stored yet (run `graphrisk centrality`)")
    rows = db.conn.execute(f"select node_id, value, rank from [{TABLE}] where run_id = ? and measure = ? "
                           "order by rank", [run_id, measure]).fetchall()
    if not rows and not next(db.query("select 1 from runs where id = ? and kind = 'centrality'", [run_id]), None):
        raise NotFound(f"no centrality run with id {run_id}")
    return {n: v for n, v, _ in rows}, {n: r for n, _, r in rows}


def load_run(db, run_id: int, measure: str) -> dict:
    """``{node: value}`` of ``measure`` in stored run ``run_id``, highest first."""
    return _load_ranked(db, run_id, measure)[0]


def latest(db, measure: str, as_of: str | None = None) -> dict:
    """``{node: value}`` of ``measure`` from the latest stored run (as of a day, if given).

    A run's day is the end of its graph window (``as_of`` or ``until``) or,
    without one, the day it was made; the latest run whose day is on or
    before ``as_of`` wins (ties: the newest run). Empty when none matches.
    """
    cands = runs(db, measure) if TABLE in db.table_names() else []
    if as_of:
        cands = [r for r in cands if _reference_day(r) <= as_of[:10]]
    if not cands:
        return {}
    best = max(cands, key=lambda r: (_reference_day(r), r["id"]))
    return load_run(db, best["id"], measure)


def compare(db, run_a: int, run_b: int, measure: str) -> list[dict]:
    """Movers of ``measure`` from run ``run_a`` to run ``run_b``, biggest rise first.

    Each item: ``node_id``, ``before``, ``after``, ``change`` (after - before;
    a node absent from a run counts 0 there), ``rank_before``, ``rank_after``
    (None when absent). Sorted by change descending, then node id.
    """
    a, ra = _load_ranked(db, run_a, measure)
    b, rb = _load_ranked(db, run_b, measure)
    out = []
    for n in set(a) | set(b):
        before, after = a.get(n, 0.0), b.get(n, 0.0)
        out.append({"node_id": n, "before": before, "after": after, "change": after - before,
                    "rank_before": ra.get(n), "rank_after": rb.get(n)})
    out.sort(key=lambda r: (-r["change"], r["node_id"]))
    return out


def run_params(db, run_id: int) -> dict:
    """The parameters stored with a centrality run."""
    row = next(db.query("select params from runs where id = ? and kind = 'centrality'", [run_id]), None)
    if row is None:
        raise NotFound(f"no centrality run with id {run_id}")
    return json.loads(row["params"])


__all__ = [
    "MEASURES", "CentralityResult", "compute", "store_run", "latest", "compare", "load_run", "runs", "run_params",
    "degree", "weighted_degree", "degree_by_kind", "pagerank", "eigenvector", "closeness", "betweenness",
    "sampling_error", "brokerage", "brokerage_detail", "ranked", "expand_measures",
]
