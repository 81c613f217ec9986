"""Ingest benchmark: rows/s end to end (read, parse, validate, insert) and peak memory per scale.

    python bench/bench_ingest.py                 # scales 1, 10, 50
    python bench/bench_ingest.py --scales 1,10

Each scale runs in its own process so its peak memory (max RSS) is its own.
The sample world is generated first (not timed) into a temporary folder.
Targets: at least 50,000 rows/s; scale 50 (about 3.5 million rows) in under
2 minutes with peak memory under 4 GB.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(scale: float, workdir: Path) -> dict:
    from graphrisk import store
    from graphrisk.ingest import ingest_paths
    from graphrisk.sample import generate

    world = workdir / f"world-{scale:g}"
    gen = generate(world, scale=scale, seed=42)
    db = store.connect(workdir / f"bench-{scale:g}.db")
    t0 = time.perf_counter()
    reports, _ = ingest_paths(db, [world])
    seconds = time.perf_counter() - t0
    rows = sum(r.rows for r in reports)
    return {"scale": scale, "rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
            "per_kind": {r.kind: round(r.rows / max(r.seconds, 1e-9)) for r in reports},
            "generate_s": gen["seconds"],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10,50")
    ap.add_argument("--one", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, Path(args.workdir))))
        return
    print(f"{'scale':>6} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'peak MB':>8}  slowest kinds (rows/s)")
    for scale in [float(s) for s in args.scales.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, __file__, "--one", str(scale), "--workdir", tmp],
                                 capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        slow = sorted(r["per_kind"].items(), key=lambda t: t[1])[:3]
        print(f"{r['scale']:>6g} {r['rows']:>10,} {r['seconds']:>8.1f} {r['rows_per_s']:>9,} {r['peak_rss_mb']:>8,}  "
              + ", ".join(f"{k} {v:,}" for k, v in slow), flush=True)


if __name__ == "__main__":
    main()
