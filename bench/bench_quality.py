"""Detection quality on a grid of differently parameterised sample worlds (issues 13 and 16).

    python bench/bench_quality.py                      # the 9 worlds below at scale 0.3
    python bench/bench_quality.py --scale 1 --worlds gbp-tenth,usd-year
    python bench/bench_quality.py --json quality.json  # every figure, for comparing runs

Each world differs in currency, amount scale, direct-award limit, density, period, noise and the pattern
variants planted; the seeds were never used while developing the rules (they are printed). The rules
run with default settings; the truth file is read only here, to score them. For each world it prints
per pattern and variant how many planted officials reached their expected level (and the levels they
got), per family the share that met the family's target, the precision of the red/orange list over
every official of the world, and the level distribution. It prints; it does not assert.

Targets on every world: strong patterns red or orange >= 0.95; two-hop ties at least yellow >= 0.9;
foreign-affairs conflict forms red or orange >= 0.95; foreign-affairs signals at least yellow >= 0.9;
decoys red or orange <= 2 %; precision of red/orange >= 0.8.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphrisk import store  # noqa: E402
from graphrisk.ingest import ingest_paths  # noqa: E402
from graphrisk.sample import Params, generate  # noqa: E402
from graphrisk.sample.quality import PRECISION_TARGET, TARGETS, score  # noqa: E402

_HARD = {"gift_before_contract": ("to_spouse", "to_child", "long_before", "after_award"),
         "sponsored_trip_contract": ("owner", "long_before", "after_award"),
         "split_contracts": ("two_approvers", "two_units")}

# Ids in another scheme than the default world's (O000123, HT0000042).
_IDS = {"units": "DEPT-", "officials": "EMP-", "people": "IND-", "companies": "ORG-", "contacts": "MTG-",
        "gifts": "GFT-", "trips": "TRV-", "contracts": "PRC-", "decisions": "DEC-"}

# name -> (seed, Params). Seeds from 9101 up: never used in development or in the tests.
GRID = {
    "cny-default": (9101, Params()),
    "gbp-tenth": (9102, Params(currency="GBP", amount_scale=0.1, direct_award_limit=118_000, density=0.8,
                               start="2025-04-07", weeks=40)),
    "usd-year": (9103, Params(currency="USD", amount_scale=0.14, direct_award_limit=250_000, density=1.2,
                              start="2025-01-06", weeks=52, noise=0.08, id_prefixes=_IDS)),
    "eur-dense": (9104, Params(currency="EUR", amount_scale=0.13, direct_award_limit=143_000, density=2.0,
                               weeks=30)),
    "cny-provincial": (9105, Params(amount_scale=1.5, direct_award_limit=4_000_000, density=0.6)),
    "hkd-noisy": (9106, Params(currency="HKD", amount_scale=1.1, direct_award_limit=1_400_000, noise=0.2,
                               weeks=36)),
    "cny-sparse-long": (9107, Params(density=0.4, start="2025-06-02", weeks=78)),
    "cny-hard-variants": (9108, Params(direct_award_limit=600_000, variants=_HARD)),
    "gbp-hard-variants": (9109, Params(currency="GBP", amount_scale=0.09, direct_award_limit=90_000, density=1.5,
                                       weeks=48, variants=_HARD, id_prefixes=_IDS)),
}


def _evaluate(db):
    """Flags with default settings, through the engine's single entry point where it exists."""
    try:
        from graphrisk.engine import evaluation

        return evaluation(db, store=False)
    except (ImportError, TypeError):
        from graphrisk.rules.engine import evaluate

        return evaluate(db)


def run_world(name: str, seed: int, params: Params, scale: float, workdir: Path) -> dict:
    folder = workdir / name
    t0 = time.perf_counter()
    generate(folder / "files", scale=scale, seed=seed, params=params)
    db = store.connect(folder / "store.db")
    ingest_paths(db, [folder / "files"])
    t1 = time.perf_counter()
    ev = _evaluate(db)
    t2 = time.perf_counter()
    truth = json.loads((folder / "files" / "truth.json").read_text(encoding="utf-8"))
    result = score(truth, {f.official_id: f.level for f in ev.flags}, db["officials"].count)
    result.update(name=name, seed=seed, scale=scale, params=params.to_dict(), prepare_s=round(t1 - t0, 1),
                  evaluate_s=round(t2 - t1, 1))
    db.conn.close()
    return result


def _share(f: dict) -> str:
    mark = "ok  " if f["met"] else "MISS"
    return f"{f['share']:.2f} ({f['hits']}/{f['n']}) {mark}"


def print_world(r: dict) -> None:
    p = r["params"]
    print(f"\n== {r['name']}  seed {r['seed']}  scale {r['scale']:g}  {p['currency']} x{p['amount_scale']:g}  "
          f"limit {p['direct_award_limit']:,.0f}  density {p['density']:g}  {p['start']}..{p['end']}  "
          f"noise {p['noise']:g}  (prepare {r['prepare_s']} s, evaluate {r['evaluate_s']} s)")
    print(f"   {'pattern':32} {'variant':22} {'family':17} {'expect':17} {'ok':>6}  levels")
    for (pat, var), row in sorted(r["patterns"].items()):
        lv = ", ".join(f"{k} {v}" for k, v in sorted(row["levels"].items()))
        print(f"   {pat:32} {var:22} {row['family']:17} {row['expect']:17} {row['ok']:>2}/{row['n']:<3}  {lv}")
    for fam, (_, op, target) in TARGETS.items():
        if fam in r["families"]:
            print(f"   {fam:17} {op} {target:<5} {_share(r['families'][fam])}")
    ok = r["precision"] >= PRECISION_TARGET
    print(f"   precision of red/orange {r['precision']:.3f} ({r['flagged']} flagged) {'ok' if ok else 'MISS'}; "
          f"recall of red/orange patterns {r['recall']:.3f}")
    if r["false_positives"]:
        print(f"   false positives: {', '.join(r['false_positives'][:10])}")
    lv = r["levels"]
    print(f"   levels: red {lv['red']}, orange {lv['orange']}, yellow {lv['yellow']}, green {lv['green']}")


def print_summary(results: list[dict]) -> None:
    fams = list(TARGETS)
    print("\n== summary (share meeting the family's target; * = target missed)")
    print(f"   {'world':18} {'seed':>5} " + " ".join(f"{f[:16]:>16}" for f in fams) + f" {'precision':>10}")
    for r in results:
        cells = []
        for f in fams:
            x = r["families"].get(f)
            cells.append(f"{'-':>16}" if x is None else f"{x['share']:>15.2f}{'' if x['met'] else '*'}"
                         + (" " if x["met"] else ""))
        prec = f"{r['precision']:>9.3f}{'' if r['precision'] >= PRECISION_TARGET else '*'}"
        print(f"   {r['name']:18} {r['seed']:>5} " + " ".join(c[:16].rjust(16) for c in cells) + f" {prec}")
    missed: dict[tuple, list] = {}
    for r in results:
        for key, row in r["patterns"].items():
            if row["missed"]:
                missed.setdefault(key, []).append(f"{r['name']} {len(row['missed'])}/{row['n']}")
    if missed:
        print("\n   planted officials below their expected level, by pattern and variant:")
        for (pat, var), where in sorted(missed.items()):
            print(f"   {pat:32} {var:22} {'; '.join(where)}")
    met = all(x["met"] for r in results for x in r["families"].values()) and \
        all(r["precision"] >= PRECISION_TARGET for r in results)
    print(f"\n   every target met on every world: {'yes' if met else 'no'}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.3, help="size of each world (default 0.3)")
    ap.add_argument("--worlds", default="", help=f"comma-separated subset of: {', '.join(GRID)}")
    ap.add_argument("--json", dest="json_path", help="also write every figure to this JSON file")
    ap.add_argument("--workdir", help="keep the worlds and stores here (default: a temporary folder)")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.worlds.split(",") if n.strip()] or list(GRID)
    unknown = [n for n in names if n not in GRID]
    if unknown:
        ap.error(f"unknown world(s): {', '.join(unknown)}")
    print(f"quality grid: {len(names)} worlds at scale {args.scale:g}; seeds "
          + ", ".join(f"{n}={GRID[n][0]}" for n in names))
    results = []
    with tempfile.TemporaryDirectory(prefix="graphrisk-quality-") as tmp:
        workdir = Path(args.workdir or tmp)
        for n in names:
            seed, params = GRID[n]
            r = run_world(n, seed, params, args.scale, workdir)
            print_world(r)
            results.append(r)
            sys.stdout.flush()
    print_summary(results)
    if args.json_path:
        out = [{**r, "patterns": [{"pattern": k[0], "variant": k[1], **{kk: (dict(vv) if kk == "levels" else vv)
                                                                        for kk, vv in v.items()}}
                                  for k, v in sorted(r["patterns"].items())]} for r in results]
        Path(args.json_path).write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
