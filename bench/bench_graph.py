"""Time the graph stage: build, every centrality measure, communities and conflict paths, against plain networkx.

    python bench/bench_graph.py [--scale 10] [--seed 42] [--runs 1] [--db STORE] [--no-networkx]
    python bench/bench_graph.py --synthetic 20000     # no sample world: a random typed graph

Generates the sample world (``graphrisk.sample.generate``) and ingests it
into a fresh store, in a child process so its memory does not count (or
reuses ``--db STORE`` if it already holds data). Then, in this process, the
graphrisk pipeline: ``build_graph``, the igraph conversion, each centrality
measure (betweenness sampled above ``exact_betweenness_max_nodes``, with its
error check timed apart), communities and mixed clusters, and
``find_all_paths`` for every official when ``graphrisk.analysis.paths``
exists; the median of ``--runs`` runs per step, and the peak memory of the
pipeline. Last, the same measures with plain networkx on the same graph
(betweenness with the same k pivots, or fewer with ``--nx-k`` and the time
scaled up per pivot, marked "~"), and the ratio per measure.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# igraph's PageRank (PRPACK) uses OpenMP threads that spin badly when the cores are busy (a 2-core
# machine, forked betweenness workers): 0.07 s with one thread vs 0.1-1.3 s with two. Set before import.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import networkx as nx  # noqa: E402
import psutil  # noqa: E402

from graphrisk import settings as settings_mod  # noqa: E402
from graphrisk import store  # noqa: E402
from graphrisk.analysis import _igraph  # noqa: E402
from graphrisk.analysis import centrality as cmod  # noqa: E402
from graphrisk.analysis import communities as comm  # noqa: E402
from graphrisk.graph import build_graph  # noqa: E402


class Peak:
    """Peak memory of this process plus its children, sampled every 0.25 s.

    PSS (proportional set size) where the kernel gives it: pages shared between
    the forked workers and this process are split between them, so the sum is
    the real total. RSS otherwise (shared pages then count once per process).
    """

    def __init__(self):
        self.proc = psutil.Process()
        self.total = 0
        self.kind = "RSS sum"
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                try:
                    used = sum(p.memory_full_info().pss for p in procs)
                    self.kind = "PSS sum"
                except (AttributeError, psutil.AccessDenied):
                    used = sum(p.memory_info().rss for p in procs)
                    self.kind = "RSS sum; shared pages counted twice"
            except psutil.Error:
                used = 0
            self.total = max(self.total, used)
            self._stop.wait(0.25)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()

    @staticmethod
    def self_maxrss_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _prepare(db_path: str, scale: float, seed: int, out_dir: str) -> None:
    from graphrisk.ingest import ingest_paths
    from graphrisk.sample import generate

    t = time.perf_counter()
    s = generate(out_dir, scale=scale, seed=seed)
    print(f"sample world: {s['total_rows']:,} rows in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    ingest_paths(store.connect(db_path), [out_dir])
    print(f"ingest: {time.perf_counter() - t:.1f} s", flush=True)


def _has_data(db_path: str) -> bool:
    if not Path(db_path).exists():
        return False
    db = store.connect(db_path)
    return db["officials"].count > 0


def synthetic_graph(n: int, seed: int = 42) -> nx.MultiDiGraph:
    """A random typed graph shaped like the sample world (units, officials, people, companies)."""
    import random

    rng = random.Random(seed)
    G = nx.MultiDiGraph(data_version=f"synthetic-{n}-{seed}")
    n_units = max(2, n // 400)
    n_off = n // 12
    n_comp = n // 5
    n_people = n - n_units - n_off - n_comp
    units = [f"U{i:05d}" for i in range(n_units)]
    offs = [f"O{i:06d}" for i in range(n_off)]
    comps = [f"C{i:06d}" for i in range(n_comp)]
    people = [f"P{i:06d}" for i in range(n_people)]
    for u in units:
        G.add_node(u, kind="unit", name=u)
    for o in offs:
        G.add_node(o, kind="official", name=o, unit_id=rng.choice(units))
        G.add_edge(o, G.nodes[o]["unit_id"], kind="member_of", record_id=o)
    for c in comps:
        G.add_node(c, kind="company", name=c)
    for p in people:
        G.add_node(p, kind="person", name=p)
    r = 0
    for _ in range(n):
        r += 1
        o = rng.choice(offs)
        G.add_edge(o, rng.choice(people + comps), kind="contact", record_id=f"K{r}")
    for _ in range(n // 3):
        r += 1
        G.add_edge(rng.choice(people + comps), rng.choice(offs), kind="gift", record_id=f"G{r}",
                   amount=float(rng.randint(100, 50000)))
    for _ in range(n // 2):
        r += 1
        o = rng.choice(offs)
        c = rng.choice(comps)
        G.add_edge(G.nodes[o]["unit_id"], c, kind="contract", record_id=f"H{r}", amount=float(rng.randint(1, 9) * 1e5))
        G.add_edge(o, c, kind="approved", record_id=f"H{r}", amount=float(rng.randint(1, 9) * 1e5))
    for _ in range(n // 2):
        r += 1
        G.add_edge(rng.choice(people), rng.choice(comps), kind=rng.choice(["shareholder", "director", "employee"]),
                   record_id=f"R{r}")
    return G


def median_time(fn, runs: int):
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=10.0, help="sample world scale (default 10)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--runs", type=int, default=1, help="runs per step; the median is shown (default 1)")
    ap.add_argument("--db", default=None, help="store to use; generated and ingested if it holds no data")
    ap.add_argument("--synthetic", type=int, default=0, metavar="N",
                    help="skip the sample world: a random typed graph of N nodes")
    ap.add_argument("--no-networkx", action="store_true", help="skip the plain networkx comparison")
    ap.add_argument("--nx-k", type=int, default=0,
                    help="pivots for networkx betweenness (default: the same k); time is scaled up per pivot")
    ap.add_argument("--nx-skip", default="", help="comma-separated measures not to run with networkx")
    args = ap.parse_args(argv)
    cfg = settings_mod.load()
    ccfg = cfg["centrality"]

    if args.synthetic:
        build = lambda: synthetic_graph(args.synthetic, args.seed)  # noqa: E731
        label = f"synthetic graph, {args.synthetic:,} nodes"
    else:
        tmp = tempfile.mkdtemp(prefix="graphrisk-bench-")
        db_path = args.db or str(Path(tmp) / "bench.db")
        if not _has_data(db_path):
            p = mp.get_context("fork").Process(target=_prepare, args=(db_path, args.scale, args.seed,
                                                                       str(Path(tmp) / "world")))
            p.start()
            p.join()
            if p.exitcode:
                print("preparing the sample world failed", file=sys.stderr)
                return 1
        db = store.connect(db_path)
        build = lambda: build_graph(db)  # noqa: E731
        label = f"sample world scale {args.scale:g} ({db_path})"

    rows: list[tuple[str, float]] = []
    print(f"\n== graphrisk pipeline on the {label}; median of {args.runs} run(s); "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    with Peak() as peak:
        base_rss = Peak.self_maxrss_mb()
        t, G = median_time(build, args.runs)
        rows.append(("build_graph", t))
        print(f"graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges", flush=True)

        def convert():
            _igraph.clear_cache()
            return _igraph.to_igraph(G)

        t, view = median_time(convert, args.runs)
        rows.append(("igraph conversion (cached after)", t))
        print(f"undirected simple projection: {view.graph.ecount():,} ties", flush=True)
        gr_times: dict[str, float] = {}
        notes = {}
        for m in cmod.MEASURES:
            t, res = median_time(lambda: cmod.compute(G, [m], settings=cfg, check_error=False), args.runs)
            gr_times[m] = t
            rows.append((m, t))
            notes.update(res.notes)
            if m == "betweenness" and res.info["betweenness"]["method"] == "sampled":
                t, err = median_time(lambda: cmod.sampling_error(G, settings=cfg), 1)
                rows.append(("  betweenness error check", t))
                notes["betweenness"] = cmod._error_note({**res.info["betweenness"], "error": err})
            print(f"  {m}: {gr_times[m]:.2f} s", flush=True)
        ccfg2 = cfg["communities"]
        t, cres = median_time(lambda: comm.detect(G, cfg), args.runs)
        gr_times["communities"] = t
        rows.append((f"communities ({ccfg2['method']})", t))
        if ccfg2["method"] != "louvain":
            t, _ = median_time(lambda: comm.detect(G, cfg, method="louvain"), args.runs)
            gr_times["louvain"] = t
            rows.append(("  (louvain, for the networkx comparison)", t))
        else:
            gr_times["louvain"] = gr_times["communities"]
        t, mixed = median_time(lambda: comm.mixed_clusters(G, cres), args.runs)
        rows.append(("mixed clusters", t))
        print(f"  communities: {len(cres.sizes):,}, modularity {cres.modularity:.3f}; mixed clusters {len(mixed):,}",
              flush=True)
        try:
            from graphrisk.analysis.paths import find_all_paths
        except ImportError:
            find_all_paths = None
        if find_all_paths is not None:
            t, paths = median_time(lambda: find_all_paths(G, cfg), args.runs)
            rows.append(("conflict paths, every official", t))
            print(f"  paths: {len(paths):,}", flush=True)
        else:
            rows.append(("conflict paths (graphrisk.analysis.paths absent)", 0.0))
        pipeline_rss = Peak.self_maxrss_mb()
    # rows in parentheses are there for the networkx comparison, not part of the pipeline
    total = sum(t for name, t in rows if not name.strip().startswith("("))
    print(f"\n{'step':<42} {'seconds':>9}")
    for name, t in rows:
        print(f"{name:<42} {t:>9.2f}")
    print(f"{'total (pipeline)':<42} {total:>9.2f}")
    print(f"peak memory: this process {pipeline_rss:,.0f} MB (before the pipeline {base_rss:,.0f} MB), "
          f"with forked workers {peak.total / 2**20:,.0f} MB ({peak.kind})")
    for m, n in notes.items():
        print(f"note ({m}): {n}")

    if args.no_networkx:
        return 0
    skip = {s.strip() for s in args.nx_skip.split(",") if s.strip()}
    print("\n== plain networkx on the same graph (undirected simple projection)", flush=True)
    t, H = median_time(lambda: cmod._simple(G), 1)
    print(f"networkx Graph conversion: {t:.2f} s", flush=True)
    k = min(ccfg["betweenness_samples"], G.number_of_nodes())
    sampled = G.number_of_nodes() > ccfg["exact_betweenness_max_nodes"]
    print(f"\n{'measure':<16} {'igraph s':>9} {'networkx s':>11} {'ratio':>8}")
    for m in list(cmod.MEASURES) + ["louvain"]:
        if m in skip:
            print(f"{m:<16} {gr_times[m]:>9.2f} {'skipped':>11}")
            continue
        approx = ""
        if m == "betweenness" and sampled and args.nx_k and args.nx_k < k:
            c2 = settings_mod.load(overrides={"centrality": {"betweenness_samples": args.nx_k}})
            t0 = time.perf_counter()
            cmod.compute(G, [m], settings=c2, backend="networkx", check_error=False)
            tn = (time.perf_counter() - t0) * k / args.nx_k
            approx = "~"
        elif m == "louvain":
            cv = _igraph.to_igraph(G, exclude_kinds=frozenset(cfg["communities"]["exclude_kinds"]))
            H2 = nx.Graph()
            H2.add_nodes_from(cv.nodes)
            H2.add_edges_from((cv.nodes[a], cv.nodes[b]) for a, b in cv.graph.get_edgelist())
            t0 = time.perf_counter()
            nx.community.louvain_communities(H2, seed=cfg["communities"]["seed"], weight=None)
            tn = time.perf_counter() - t0
        else:
            t0 = time.perf_counter()
            cmod.compute(G, [m], settings=cfg, backend="networkx", check_error=False)
            tn = time.perf_counter() - t0
        ratio = tn / gr_times[m] if gr_times[m] > 0 else float("inf")
        print(f"{m:<16} {gr_times[m]:>9.2f} {approx + format(tn, '.2f'):>11} {ratio:>7.1f}x", flush=True)
    print("(louvain: igraph multilevel vs networkx louvain_communities on the same projection, without the "
          "ties of [communities] exclude_kinds; weighted_degree runs the same Python code on both sides; "
          "betweenness with the same k pivots" + (f", networkx timed on {args.nx_k} and scaled" if args.nx_k else "")
          + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
