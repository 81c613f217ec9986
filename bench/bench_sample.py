"""Time the sample-world generator: rows, seconds and rows/s per scale.

    python bench/bench_sample.py [--scales 1,10,50] [--seed 42]
    python bench/bench_sample.py --scales 1 --params '{"currency": "GBP", "amount_scale": 0.1, "density": 2}'

``--params`` is a JSON object of ``graphrisk.sample.Params`` fields (docs/sample.md).
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

from graphrisk.sample import Params, generate  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,10,50", help="comma-separated scales (default 1,10,50)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--params", default="{}", help="JSON object of sample.Params fields (default: the demo world)")
    args = ap.parse_args(argv)
    params = Params(**json.loads(args.params))
    scales = [float(s) for s in args.scales.split(",") if s.strip()]
    print(f"{'scale':>6} {'rows':>10} {'seconds':>8} {'cpu_s':>7} {'rows/s':>10}  MB")
    for scale in scales:
        d = Path(tempfile.mkdtemp(prefix=f"graphrisk-sample-{scale:g}-"))
        try:
            cpu = time.process_time()
            s = generate(d, scale=scale, seed=args.seed, params=params)
            cpu = time.process_time() - cpu
            mb = sum(p.stat().st_size for p in d.iterdir()) / 1e6
            print(f"{scale:>6g} {s['total_rows']:>10,} {s['seconds']:>8.2f} {cpu:>7.2f} "
                  f"{s['total_rows'] / s['seconds']:>10,.0f}"
                  f"  {mb:.0f}", flush=True)
        finally:
            shutil.rmtree(d, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
