"""Time the weekly report on sample worlds: cold (evaluations computed and stored), warm (analysis stored).

    python bench/bench_report.py [--scales 1,10] [--week latest-data] [--keep DIR]

Per scale: sample generation and ingest (not counted), then
  cold       the first report: 12 weekly evaluations (trend, previous and current week) computed and stored,
             centrality of two dates computed and stored, maps written;
  warm       the same report into a fresh folder: stored runs reused, maps rendered again;
  warm+maps  the same report into the same folder: stored runs and maps reused;
  no-maps    warm, without maps.
with the report's own breakdown (meta.json timings).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphrisk import settings as settings_mod  # noqa: E402
from graphrisk import store  # noqa: E402
from graphrisk.report import make_report, resolve_period  # noqa: E402


def _one(db, period, cfg, out: Path, maps: bool = True) -> tuple[float, dict]:
    t0 = time.perf_counter()
    rep, files = make_report(db, period, cfg, out, maps=maps)
    s = time.perf_counter() - t0
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    return s, meta


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,10", help="comma-separated scales (default 1,10)")
    ap.add_argument("--week", default="latest-data")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--keep", default=None, help="folder to keep worlds and stores in (reused when present)")
    args = ap.parse_args(argv)
    from graphrisk.ingest import ingest_paths
    from graphrisk.sample import generate

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="graphrisk-bench-report-"))
    cfg = settings_mod.load()
    print(f"{'scale':>6} {'officials':>9} {'records':>9} {'stage':<10} {'seconds':>8}  breakdown", flush=True)
    try:
        for scale in [float(s) for s in args.scales.split(",") if s.strip()]:
            d = root / f"s{scale:g}"
            db_path = root / f"s{scale:g}.db"
            if not (d / "truth.json").exists():
                generate(d, scale=scale, seed=args.seed)
            if not db_path.exists():
                ingest_paths(store.connect(db_path), [d])
            db = store.connect(db_path)
            db.conn.execute("delete from runs where kind in ('flags', 'paths', 'centrality')")  # start cold
            db.conn.commit()
            n_off = db["officials"].count
            n_rec = sum(db[k].count for k in ("contacts", "gifts", "trips", "contracts", "relations"))
            period = resolve_period(db, args.week, None, None)
            for stage, out, maps in (("cold", "cold", True), ("warm", "warm", True), ("warm+maps", "warm", True),
                                     ("no-maps", "nomaps", False)):
                s, meta = _one(db, period, cfg, root / f"out-{scale:g}" / out, maps)
                br = dict(meta["timings"], maps=meta["maps_seconds"])
                cached = sum(1 for x in meta["snapshots"] if x.get("cached") is True)
                evals = sum(1 for x in meta["snapshots"] if "as_of" in x)
                print(f"{scale:>6g} {n_off:>9,} {n_rec:>9,} {stage:<10} {s:>8.1f}  "
                      + " ".join(f"{k}={v:.1f}" for k, v in br.items())
                      + f" | {cached}/{evals} evaluations from stored runs, {meta['maps_reused']} maps reused"
                        f" ({period.label})", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
