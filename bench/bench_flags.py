"""Flags benchmark: graph build + conflict paths + every rule + grading, per scale, with peak memory.

    python bench/bench_flags.py                # scales 1 and 10
    python bench/bench_flags.py --scales 10 --repeat 3

The world is generated and ingested first (not timed). Target: scale 10 in
under 30 s with peak memory under 3 GB. Each scale runs in its own process.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(scale: float, workdir: Path, repeat: int) -> dict:
    from graphrisk import settings as settings_mod
    from graphrisk import store
    from graphrisk.graph import _FULL, load
    from graphrisk.ingest import ingest_paths
    from graphrisk.rules.engine import evaluate, grade, paths_for_rules, run_rules
    from graphrisk.sample import generate

    world = workdir / "world"
    generate(world, scale=scale, seed=42)
    db = store.connect(workdir / "bench.db")
    ingest_paths(db, [world])
    cfg = settings_mod.load()
    stages: dict[str, list[float]] = {"graph": [], "paths": [], "rules": [], "total": []}
    flags = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        _FULL.clear()  # each repeat loads the graph from the store, as a fresh process would
        G = load(db)
        t1 = time.perf_counter()
        paths = paths_for_rules(G, cfg)
        t2 = time.perf_counter()
        flags = grade(G, run_rules(G, paths, cfg), cfg)
        t3 = time.perf_counter()
        for k, v in (("graph", t1 - t0), ("paths", t2 - t1), ("rules", t3 - t2), ("total", t3 - t0)):
            stages[k].append(v)
    evaluate(db, settings=cfg)  # the public entry point runs too
    levels = {lvl: sum(1 for f in flags if f.level == lvl) for lvl in ("red", "orange", "yellow")}
    return {"scale": scale, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
            **{k: round(statistics.median(v), 2) for k, v in stages.items()}, "path_count": len(paths),
            "levels": levels, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--one", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, Path(args.workdir), args.repeat)))
        return
    print(f"{'scale':>5} {'nodes':>9} {'edges':>9} {'graph s':>8} {'paths s':>8} {'rules s':>8} {'total s':>8} "
          f"{'peak MB':>8}  levels")
    for scale in [float(s) for s in args.scales.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, __file__, "--one", str(scale), "--workdir", tmp,
                                  "--repeat", str(args.repeat)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['scale']:>5g} {r['nodes']:>9,} {r['edges']:>9,} {r['graph']:>8.1f} {r['paths']:>8.1f} "
              f"{r['rules']:>8.1f} {r['total']:>8.1f} {r['peak_rss_mb']:>8,}  {r['levels']}", flush=True)


if __name__ == "__main__":
    main()
