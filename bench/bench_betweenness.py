"""Betweenness: how close the default approximation comes to exact, and what it costs.

    python bench/bench_betweenness.py                   # a sample world of about 20,000 nodes
    python bench/bench_betweenness.py --scale 1.5 --pivots 100,300,1000,3000

On a world small enough for exact betweenness, compares exact (igraph) with sampled pivots (igraph,
several k), with graphrisk's KADABRA (`analysis.centrality.kadabra`, the default) and with its peer,
networkit's KADABRA (the same estimator and guarantee; it first computes the exact diameter), each
at two error bounds and several sampling seeds: top-100 overlap, rank correlation of the exact top
100, time, and the time as a ratio of networkit's. Prints; asserts nothing.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--pivots", default="100,300,1000,2000")
    ap.add_argument("--top", type=int, default=100)
    ap.add_argument("--kadabra-seeds", default="42,43,44", help="sampling seeds for both KADABRAs")
    args = ap.parse_args()

    from graphrisk import settings as settings_mod
    from graphrisk import store
    from graphrisk.analysis._igraph import to_igraph
    from graphrisk.analysis.centrality import betweenness
    from graphrisk.analysis.centrality.betweenness import _spearman
    from graphrisk.engine.arrays import load_arrays
    from graphrisk.ingest import ingest_paths
    from graphrisk.sample import generate

    tmp = Path(tempfile.mkdtemp())
    generate(tmp / "w", scale=args.scale, seed=args.seed)
    db = store.connect(tmp / "b.db")
    ingest_paths(db, [tmp / "w"])
    G = load_arrays(db)
    view = to_igraph(G)
    g = view.graph
    n = g.vcount()
    top = args.top
    t = time.perf_counter()
    exact = np.asarray(g.betweenness(directed=False), dtype=float)
    t_exact = time.perf_counter() - t
    ids = np.arange(n)
    top_exact = np.lexsort((ids, -exact))[:top]

    def score(est: np.ndarray) -> tuple[float, float]:
        top_est = np.lexsort((ids, -est))[:top]
        return (len(set(top_exact.tolist()) & set(top_est.tolist())) / top,
                _spearman(exact[top_exact], est[top_exact]))

    print(f"world scale {args.scale:g}: {n:,} nodes, {g.ecount():,} ties; exact betweenness {t_exact:.1f} s\n")
    print(f"{'method':<34}{'seconds':>9}{'top-' + str(top) + ' overlap':>18}{'rank corr':>11}")
    rng = np.random.default_rng(args.seed)
    for k in [int(x) for x in args.pivots.split(",")]:
        src = np.sort(rng.choice(n, size=min(k, n), replace=False)).tolist()
        t = time.perf_counter()
        est = np.asarray(g.betweenness(directed=False, sources=src), dtype=float)
        secs = time.perf_counter() - t
        ov, rc = score(est)
        print(f"{'igraph, ' + str(k) + ' pivots':<34}{secs:>9.2f}{ov:>18.2f}{rc:>11.2f}")
    from graphrisk.analysis.centrality.kadabra import kadabra

    el = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    kadabra(n, el[:, 0], el[:, 1], 0.05, 0.1, 0)  # compile (numba caches it) before timing
    try:
        import networkit as nk

        ng = nk.graph.Graph(n, weighted=False, directed=False)
        ng.addEdges((el[:, 0].astype(np.uint64), el[:, 1].astype(np.uint64)))
        nk.setNumberOfThreads(1)
    except ImportError:
        nk = None
        print("networkit not installed: its KADABRA skipped")
    for eps in (0.01, 0.005):
        for seed in [int(x) for x in args.kadabra_seeds.split(",")]:
            t = time.perf_counter()
            est = kadabra(n, el[:, 0], el[:, 1], eps, 0.1, seed)[0]
            ours = time.perf_counter() - t
            ov, rc = score(est)
            ratio = ""
            if nk is not None:
                nk.engineering.setSeed(seed, False)
                t = time.perf_counter()
                kd = nk.centrality.KadabraBetweenness(ng, eps, 0.1)
                kd.run()
                theirs = time.perf_counter() - t
                ov2, rc2 = score(np.asarray(kd.scores(), dtype=float))
                print(f"{f'networkit KADABRA eps {eps}, seed {seed}':<34}{theirs:>9.2f}{ov2:>18.2f}{rc2:>11.2f}")
                ratio = f"{ours / theirs:>9.2f}x networkit"
            print(f"{f'graphrisk KADABRA eps {eps}, seed {seed}':<34}{ours:>9.2f}{ov:>18.2f}{rc:>11.2f}{ratio}")
    settings = settings_mod.load()
    t = time.perf_counter()
    vals = betweenness(G, settings={**settings, "centrality": {**settings["centrality"],
                                                               "exact_betweenness_max_nodes": 0}})
    secs = time.perf_counter() - t
    est = np.array([vals[x] for x in view.nodes])
    ov, rc = score(est)
    print(f"{'graphrisk default (sampled)':<34}{secs:>9.2f}{ov:>18.2f}{rc:>11.2f}")


if __name__ == "__main__":
    main()
