"""Betweenness: exact on small graphs, sampled from pivots above, with its measured error."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...forking import Forked, can_fork, fork_map
from .._igraph import to_igraph

from ._base import PARALLEL_MIN_NODES, _by_index, _cfg, _check_backend, _simple

if TYPE_CHECKING:  # networkx is loaded where a function calls it: the engine's graph needs none of it
    import networkx as nx

# ---------------------------------------------------------------- betweenness

# On graphs of this many nodes or more, KADABRA's note says when the 100th highest value is below twice the
# error bound: on the scale-10 world it is 0.0014 against 0.005, and two seeds share 57 of the top 100.
COARSE_MIN_NODES, COARSE_TOP = 1000, 100

def _btw_part(sources: list[int], g) -> np.ndarray:
    return np.asarray(g.betweenness(directed=False, sources=sources), dtype=float)


def _source_betweenness(g, sources: list[int], workers: int) -> np.ndarray:
    """Sum over the sources of half their dependencies (igraph's subset betweenness), over ``workers`` processes."""
    if workers > 1 and g.vcount() >= PARALLEL_MIN_NODES and len(sources) >= 2 * workers and can_fork(workers):
        parts = fork_map(_btw_part, [sources[i::workers] for i in range(workers)], workers, g)
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


def _betweenness(G: nx.Graph, cfg: dict, backend: str, check_error: bool = True,
                 pending: Forked | None = None) -> tuple[dict, dict]:
    _check_backend(backend)
    view = to_igraph(G)
    g = view.graph
    n = g.vcount()
    limit = cfg["exact_betweenness_max_nodes"]
    sampled = n > limit
    k = min(cfg["betweenness_samples"], n)
    if backend == "networkx":
        H = _simple(G)
        import networkx as nx
        vals = nx.betweenness_centrality(H, k=k if sampled else None, seed=cfg["seed"] if sampled else None,
                                         normalized=True)
        values = {node: float(vals[node]) for node in view.nodes}
    elif not sampled:
        raw = np.asarray(g.betweenness(directed=False), dtype=float)
        values = _by_index(view, raw / _norm(n))
    elif cfg.get("betweenness_method", "kadabra") == "kadabra":
        # when forked (start_kadabra), the child ran the self-check after the sampling
        raw, samples, error = pending.get() if pending is not None else \
            _kadabra_checked(G, cfg, check_error and bool(cfg["error_check_nodes"]))
        values, info = _kadabra(view, cfg, raw, samples)
        if error is not None:
            info["error"] = error
        info["note"] = _kadabra_note(info)
        return values, info
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


def start_kadabra(G, cfg: dict, backend: str = "igraph", check_error: bool = True) -> Forked | None:
    """Start KADABRA, then its self-check, in a forked process when betweenness will be sampled with it and
    ``workers`` ≥ 2, so the other measures are computed meanwhile (one thread each: the values are those of
    a serial run)."""
    if backend != "igraph" or cfg.get("betweenness_method", "kadabra") != "kadabra" or int(cfg["workers"]) < 2 \
            or not can_fork():
        return None
    g = to_igraph(G).graph
    if g.vcount() <= cfg["exact_betweenness_max_nodes"]:
        return None
    return Forked(_kadabra_checked, G, cfg, check_error and bool(cfg["error_check_nodes"]))


def _kadabra_checked(G, cfg: dict, check: bool) -> tuple[np.ndarray, int, dict | None]:
    """KADABRA's values and samples on ``G``, and the sampling self-check when ``check``."""
    raw, samples = _kadabra_raw(to_igraph(G).graph, cfg)
    return raw, samples, sampling_error(G, settings={"centrality": cfg}) if check else None


def _kadabra(view, cfg: dict, raw: np.ndarray, samples: int) -> tuple[dict, dict]:
    """Adaptive-sampling betweenness (KADABRA, :mod:`.kadabra`): every value within ``betweenness_epsilon`` of the
    exact normalised value with probability ``1 - betweenness_delta``; it samples until that holds.

    Measured on two sample worlds of about 21,700 nodes against exact betweenness (bench_betweenness.py,
    three seeds each): top-100 overlap 0.92-0.96 at epsilon 0.005, where 100 random pivots gave 0.26-0.33.
    """
    eps, delta = float(cfg.get("betweenness_epsilon", 0.005)), float(cfg.get("betweenness_delta", 0.1))
    info = {"method": "kadabra", "nodes": view.graph.vcount(), "epsilon": eps, "delta": delta, "samples": samples,
            "threshold": cfg["exact_betweenness_max_nodes"]}
    if len(raw) >= COARSE_MIN_NODES:  # how the top ranks compare with the error bound
        info["top"], info["top_value"] = COARSE_TOP, float(np.partition(raw, -COARSE_TOP)[-COARSE_TOP])
    return _by_index(view, raw), info


def _kadabra_raw(g, cfg: dict) -> tuple[np.ndarray, int]:
    """KADABRA on an igraph graph: normalised values (as :func:`betweenness`) and the number of samples."""
    from .kadabra import kadabra

    el = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    eps, delta = float(cfg.get("betweenness_epsilon", 0.005)), float(cfg.get("betweenness_delta", 0.1))
    return kadabra(g.vcount(), el[:, 0], el[:, 1], eps, delta, int(cfg["seed"]))


def _kadabra_note(info: dict) -> str:
    from ...i18n import t

    note = t("centrality.kadabra_note", nodes=f"{info['nodes']:,}", threshold=f"{info['threshold']:,}",
             eps=f"{info['epsilon']:g}", confidence=f"{1 - info['delta']:.0%}", samples=f"{info['samples']:,}")
    if "top_value" in info and info["top_value"] < 2 * info["epsilon"]:
        note += t("centrality.kadabra_coarse", top=info["top"], value=f"{info['top_value']:.2g}",
                  bound=f"{2 * info['epsilon']:g}")
    e = info.get("error") or {}
    if e:
        note += t("centrality.kadabra_checked", check=f"{e['check_nodes']:,}", top=e["top"],
                  overlap=f"{e['overlap_top']:.0%}")
    return note


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
    if cfg.get("betweenness_method", "kadabra") == "kadabra":
        est = _kadabra_raw(sub, cfg)[0]
    else:
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
