"""Degree, weighted degree by edge kind, PageRank, eigenvector and closeness."""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Iterable, Iterator

import numpy as np

from ... import schema
from ...errors import GraphRiskError
from ...engine.arrays import EdgeArrays
from .._igraph import seeded, to_igraph

from ._base import _by_index, _cfg, _check_backend, _simple

if TYPE_CHECKING:  # networkx is loaded where a function calls it: the engine's graph needs none of it
    import networkx as nx

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
    if isinstance(G, EdgeArrays):
        return _kind_pass_arrays(G, money, counts)
    return _kind_pass_edges(G, money, counts)


def _kind_pass_edges(G: nx.Graph, money: set[str] | None, counts: bool) -> tuple[dict, dict]:
    """:func:`_kind_pass` edge by edge, on any graph."""
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


def _kind_pass_arrays(G: EdgeArrays, money: set[str] | None, counts: bool) -> tuple[dict, dict]:
    """:func:`_kind_pass` on edge arrays, with numpy: the same sums, added in the same order (edge by edge,
    source before target), so the values are those of the loop to the last bit. The counts per kind are a
    :class:`KindCounts` over the arrays."""
    ids, n, m = G.ids, len(G.ids), len(G.src)
    ends = np.empty(2 * m, dtype=np.int64)  # u0, v0, u1, v1, ...: each node meets its edges in edge order
    ends[0::2], ends[1::2] = G.src, G.dst
    code = np.repeat(G.kind.astype(np.int64), 2)
    amount = np.repeat(np.nan_to_num(G.amount, nan=0.0), 2)
    live = np.ones(2 * m, dtype=bool)
    live[1::2] = G.src != G.dst  # a self-loop counts once
    wd_sel = live & (amount != 0)
    if money is not None:
        wd_sel &= np.isin(code, [i for i, k in enumerate(G.kinds) if k in money])
    else:
        wd_sel[:] = False
    decision = [i for i, k in enumerate(G.kinds) if k in schema.EDGE_KINDS and schema.EDGE_KINDS[k].decision]
    once = np.flatnonzero(wd_sel & np.isin(code, decision))  # one record, two edges: counted once per node
    if len(once):
        rid_code: dict = {}
        rids = np.array([rid_code.setdefault(r, len(rid_code)) if r is not None else -1
                         for r in (G.record[i >> 1] for i in once.tolist())], dtype=np.int64)
        has = rids >= 0
        keys = ends[once[has]] * (len(rid_code) + 1) + rids[has]
        _, first = np.unique(keys, return_index=True)
        repeat = np.ones(int(has.sum()), dtype=bool)
        repeat[first] = False
        wd_sel[once[has][repeat]] = False
    wd_vals = np.bincount(ends[wd_sel], weights=amount[wd_sel], minlength=n)
    wd = dict(zip(ids, wd_vals.tolist()))
    if not counts:
        return wd, {}
    at = np.flatnonzero(live)
    keys = ends[at] * max(len(G.kinds), 1) + code[at]
    uniq, first, inverse, count = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=amount[at], minlength=len(uniq))
    node, kind = uniq // max(len(G.kinds), 1), uniq % max(len(G.kinds), 1)
    order = np.lexsort((first, node))  # per node, its kinds in the order they were first met
    return wd, KindCounts(G, node[order], kind[order], count[order], sums[order])


class KindCounts(Mapping):
    """``{node: {edge kind: {"count": records, "amount": sum}}}`` over edge arrays, each node's dict made when
    read (every node is a key; one with no edge has ``{}``): making all of them took about 1 s of a scale-50
    run, and a stored run ranks the arrays themselves (:meth:`RunWriter._extra_ranked`).

    One entry per node and kind met: ``node`` (position in ``ids``, which are sorted; ascending), ``kind``
    (position in ``kinds``), ``count``, ``amount``.
    """

    def __init__(self, G: EdgeArrays, node: np.ndarray, kind: np.ndarray, count: np.ndarray, amount: np.ndarray):
        self.ids, self.kinds, self._nodes = G.ids, G.kinds, G.nodes
        self.node, self.kind, self.count, self.amount = node, kind, count, amount
        self._starts = np.searchsorted(node, np.arange(len(G.ids) + 1))  # each node's entries

    def position(self, x) -> int:
        """``x``'s position in ``ids`` (KeyError for a node the graph does not have)."""
        return self._nodes[x]["_i"]

    def __getitem__(self, x) -> dict:
        i = self.position(x)
        a, b = int(self._starts[i]), int(self._starts[i + 1])
        kinds = self.kinds
        return {kinds[k]: {"count": c, "amount": v} for k, c, v in
                zip(self.kind[a:b].tolist(), self.count[a:b].tolist(), self.amount[a:b].tolist())}

    def __contains__(self, x) -> bool:
        return x in self._nodes

    def __iter__(self):
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def degree_by_kind(G: nx.Graph) -> dict:
    """``{node: {edge kind: {"count": records, "amount": sum of amounts}}}`` over the records touching each node.

    Every edge counts for both ends (a gift counts for giver and recipient).
    """
    by = _kind_pass(G, None, True)[1]
    return by if isinstance(by, dict) else dict(by.items())  # a plain dict, as documented


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
        import networkx as nx
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
        import networkx as nx
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
            import networkx as nx
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
        if backend == "networkx":
            import networkx as nx
            for chunk in _chunks(pivots, 32):
                D = np.full((len(chunk), n), np.inf)
                for row, p in enumerate(chunk):
                    for node, dist in nx.single_source_shortest_path_length(H, view.nodes[p]).items():
                        D[row, view.index[node]] = dist
                ok = np.isfinite(D) & (D > 0)
                tot += np.where(ok, D, 0.0).sum(axis=0)
                cnt += ok.sum(axis=0)
        else:
            from .bfs import pivot_distance_sums

            edges = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
            tot, cnt = pivot_distance_sums(n, edges[:, 0], edges[:, 1], pivots)
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
