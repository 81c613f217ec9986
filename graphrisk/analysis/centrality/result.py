"""Several measures at once: CentralityResult and compute()."""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

import numpy as np

from ... import collector, schema
from ... import settings as settings_mod
from ...errors import GraphRiskError

from ._base import MEASURES, _check_backend
from .betweenness import _betweenness, start_kadabra
from .brokerage import brokerage_detail
from .simple import _closeness, _kind_pass, _money_kinds, degree, eigenvector, pagerank

if TYPE_CHECKING:  # networkx is loaded where a function calls it: the engine's graph needs none of it
    import networkx as nx

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
    _ranked: dict[str, list] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __getitem__(self, measure: str) -> dict:
        return self.values[measure]

    def __iter__(self):
        return iter(self.measures)

    def __len__(self) -> int:
        return len(self.measures)

    def __hash__(self):  # a result is a record, compared by identity
        return id(self)

    def ranked(self, measure: str) -> list[tuple]:
        """``[(node, value, rank)]``, highest first, ties by node id; rank 1 is the highest (sorted once)."""
        if measure not in self._ranked:
            self._ranked[measure] = ranked(self.values[measure])
        return self._ranked[measure]

    def top(self, measure: str, n: int | None = None) -> list[tuple]:
        """The first ``n`` of :meth:`ranked` (all with ``n`` None), without sorting every node for a few."""
        if n is None or measure in self._ranked:
            r = self.ranked(measure)
            return r if n is None else r[:n]
        return top_n(self.values[measure], n)

    def params(self) -> dict:
        """What a stored run records: measures, kind, backend, graph window and per-measure info."""
        return {"measures": self.measures, "kind": self.kind, "backend": self.backend,
                "graph": self.graph, "info": self.info}


def ranked(values: Mapping) -> list[tuple]:
    """``[(node, value, rank)]`` sorted by value descending, then node id; ranks 1..n."""
    nodes, vals = list(values), list(values.values())
    try:
        score = np.array(vals, dtype=float)
    except (TypeError, ValueError):
        score = None
    if score is None or len(vals) < 1000 or np.isnan(score).any():
        items = sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))
        return [(node, v, i + 1) for i, (node, v) in enumerate(items)]
    # the same order with two sorts, most of it in numpy: by node id, then stably by value descending
    by_name = _by_name([str(x) for x in nodes])
    order = by_name[np.argsort(-score[by_name], kind="stable")].tolist()
    return [(nodes[i], vals[i], r) for r, i in enumerate(order, 1)]


def top_n(values: Mapping, n: int) -> list[tuple]:
    """``ranked(values)[:n]``: the nodes at or above the n-th largest value, sorted as :func:`ranked` sorts."""
    vals = list(values.values())
    try:
        score = np.array(vals, dtype=float)
    except (TypeError, ValueError):
        score = None
    if n <= 0 or score is None or len(vals) <= 4 * n or np.isnan(score).any():
        return ranked(values)[:max(n, 0)]
    least = -np.partition(-score, n - 1)[n - 1]
    nodes = list(values)
    cand = sorted(((nodes[i], vals[i]) for i in np.flatnonzero(score >= least).tolist()),
                  key=lambda kv: (-kv[1], str(kv[0])))[:n]
    return [(node, v, r) for r, (node, v) in enumerate(cand, 1)]


_names: dict = {}  # the last full node list sorted: its names, their order and each name's position


def name_order(values: Mapping) -> None:
    """Sort the nodes of ``values`` by id now (:func:`_by_name`), so that :func:`ranked` of these nodes, or of
    some of them, reuses the order: in this process, and in processes forked after (the centrality writers,
    which each sorted the 724,089 ids of a scale-50 graph again)."""
    if len(values) >= 1000:
        _by_name([str(x) for x in values])


def _by_name(names: list[str]) -> np.ndarray:
    """Indexes of ``names`` in code point order (as Python compares str). The measures of one run share
    their nodes, so the last sort is kept: the same list reuses it, a subset sorts positions in it."""
    if names == _names.get("names"):
        return _names["order"]
    pos = _names.get("pos")
    if pos is not None and len(names) <= len(pos):  # some of those nodes, or all of them in another order
        try:
            return np.argsort(np.fromiter((pos[x] for x in names), dtype=np.int64, count=len(names)))
        except KeyError:
            pass
    if any("\x00" in x for x in names):  # numpy's strings drop trailing NULs: let Python sort those
        order = np.array(sorted(range(len(names)), key=names.__getitem__), dtype=np.int64)
    else:
        order = np.argsort(np.array(names, dtype=str), kind="stable")
    _names.clear()
    _names.update(names=names, order=order, pos=dict(zip((names[i] for i in order), range(len(names)))))
    return order


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
            check_error: bool = True, on_measure=None) -> CentralityResult:
    """Compute ``measures`` (default all) on ``G``; keep the nodes of ``kind`` (e.g. "official").

    Measures always run on the whole graph; ``kind`` only selects which nodes
    the result (and its ranks) hold. ``on_measure(result, measure)`` is called as each measure is
    done (to store it while the others are computed); betweenness, when sampled in another process,
    is done last.
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
    with collector.paused():  # per-node results and per-kind details: many objects, none cyclic
        # runs while the others are computed
        pending = start_kadabra(G, cfg, backend, check_error) if "betweenness" in ms else None
        try:
            order = [m for m in ms if m != "betweenness"] + ["betweenness"] if pending is not None else ms
            _measures(G, order, res, settings, cfg, backend, check_error, pending, on_measure)
        finally:
            if pending is not None:
                pending.close()
    return res


def _measures(G, ms: list[str], res: CentralityResult, settings: dict, cfg: dict, backend: str, check_error: bool,
              pending, on_measure=None) -> None:
    kind = res.kind
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
            vals, info = _betweenness(G, cfg, backend, check_error=check_error, pending=pending)
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
        if on_measure is not None:
            on_measure(res, m)


def _edge_count(G: nx.Graph) -> int:
    """``G.number_of_edges()`` without networkx's per-node degree views (10x faster on a multigraph)."""
    if not G.is_multigraph() or hasattr(G, "endpoint_arrays"):
        return G.number_of_edges()
    n = sum(len(kd) for nbrs in G._adj.values() for kd in nbrs.values())
    return n if G.is_directed() else (n + sum(len(G._adj[u].get(u, ())) for u in G)) // 2
