"""Time case files (graphrisk explain) and every export on sample worlds.

    python bench/bench_explain_export.py [--scales 0.5,1] [--officials 10] [--formats graphml,gexf,ftm,neo4j,i2]

Per scale: sample generation and ingest (not counted), one evaluation (counted once, as `evaluation`), then
  explain    the case file of the N highest-scored officials from that evaluation (data, text, HTML), per official;
  export     each format of the whole graph: seconds, file size, nodes and edges.
Prints numbers; nothing is asserted.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphrisk import settings as settings_mod  # noqa: E402
from graphrisk import store  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="0.5,1", help="comma-separated scales (default 0.5,1)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--officials", type=int, default=10, help="case files to time (default 10)")
    ap.add_argument("--formats", default="graphml,gexf,ftm,neo4j,i2")
    ap.add_argument("--keep", default=None, help="keep worlds and outputs in this folder")
    args = ap.parse_args(argv)
    from graphrisk.engine import evaluation
    from graphrisk.explain import case_text, explain
    from graphrisk.explain_html import render_html
    from graphrisk.export import export
    from graphrisk.ingest import ingest_paths
    from graphrisk.sample import generate

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="graphrisk-bench-explain-"))
    cfg = settings_mod.load()
    print(f"{'scale':>6} {'stage':<10} {'what':<12} {'seconds':>8}  detail", flush=True)
    for scale in [float(s) for s in args.scales.split(",") if s.strip()]:
        d = root / f"s{scale:g}"
        db_path = root / f"s{scale:g}.db"
        if not (d / "truth.json").exists():
            generate(d, scale=scale, seed=args.seed)
        if not db_path.exists():
            ingest_paths(store.connect(db_path), [d])
        db = store.connect(db_path)
        t0 = time.perf_counter()
        ev = evaluation(db, settings=cfg)
        print(f"{scale:>6g} {'evaluation':<10} {'':<12} {time.perf_counter() - t0:>8.2f}  "
              f"{len(ev.flags)} officials with findings, {len(ev.paths)} paths", flush=True)
        chosen = [f.official_id for f in ev.flags[:args.officials]]
        times = {"data": [], "text": [], "html": []}
        sizes = []
        for oid in chosen:
            t0 = time.perf_counter()
            case = explain(db, oid, settings=cfg, evaluation=ev)
            times["data"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            case_text(case, "zh")
            times["text"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            html = render_html(case, "zh")
            times["html"].append(time.perf_counter() - t0)
            sizes.append(len(html.encode("utf-8")))
        for k, v in times.items():
            if v:
                print(f"{scale:>6g} {'explain':<10} {k:<12} {sum(v) / len(v):>8.3f}  mean per official over "
                      f"{len(v)} (max {max(v):.3f})" + (f", HTML {sum(sizes) / len(sizes) / 1024:.0f} KB mean"
                                                        if k == "html" else ""), flush=True)
        for fmt in [f for f in args.formats.split(",") if f]:
            out = root / f"s{scale:g}-export" / (fmt if fmt == "neo4j" else f"graph.{fmt}")
            t0 = time.perf_counter()
            try:
                res = export(db, fmt, out)
            except Exception as exc:  # a missing optional writer: say so and go on
                print(f"{scale:>6g} {'export':<10} {fmt:<12} {'-':>8}  {exc}", flush=True)
                continue
            s = time.perf_counter() - t0
            size = sum(f.stat().st_size for f in res.files)
            print(f"{scale:>6g} {'export':<10} {fmt:<12} {s:>8.2f}  {res.nodes} nodes, {res.edges} edges, "
                  f"{size / 1e6:.1f} MB", flush=True)
    if not args.keep:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
