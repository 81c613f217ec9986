"""Each command as a user runs it: a fresh process on an ingested store, wall time and peak memory.

    python bench/bench_commands.py                 # scale 10 (about 700,000 records)
    python bench/bench_commands.py --scale 50 --pipeline-only
    python bench/bench_commands.py --scale 100 --pipeline-only
    python bench/bench_commands.py --reuse --ingest-only --repeat 5   # the ingest alone, median of 5

Makes the sample world and ingests it (ingest timed in its own process: rows/s; with ``--repeat`` as
often as each command, into a fresh store each time), then runs every command on its own copy of
the store (so no command reuses another's stored evaluation), except the "stored" report, which runs
after the cold one on the same copy. PageRank, eigenvector and degree are also run by
bench/peer_igraph.py (sqlite3 + igraph, nothing else) and printed as ratios. The same script's
PageRank run, timed before the analyses and at the end, is the machine's speed reference: each
command's time is also printed as a multiple of it ("x ref"), so runs at different hours (a shared
machine's speed varied fourfold over a week) compare with one another and with targets set at
another speed. "peak MB" is the largest process's maximum resident set (os.wait4); "tree MB" the
peak of the summed proportional set size of the command and its forked workers (pages they share
counted once), sampled every 0.2 s or more so that sampling takes at most a tenth of a core: what
the command as a whole holds. Prints a table and writes JSON beside it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRAPHRISK = [sys.executable, "-m", "graphrisk"]


def _tree(pid: int) -> list[int]:
    """The process and its descendants (forked workers), from /proc."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared pages (a fork's inherited graph) counted once across processes."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _sample_tree(pid: int, peak: list, stop: threading.Event) -> None:
    """Sample the tree's PSS until stopped, waiting ten times as long as a sample took (at least 0.2 s): the
    kernel walks every page table for smaps_rollup (about 24 ms per GB), and sampling three 1-GB processes
    every 0.2 s took a third of a core from the command it measured (a cold report ran 72 s instead of 59 s)."""
    while not stop.is_set():
        t = time.perf_counter()
        peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(pid)))
        stop.wait(max(0.2, 10 * (time.perf_counter() - t)))


def run(cmd: list[str], env: dict | None = None) -> dict:
    """Wall seconds, peak RSS of the largest process (MB), peak memory of the whole process tree (sum of
    PSS, sampled at most a tenth of the time: forked workers count) and exit status of one command."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak, stop = [0], threading.Event()
    sampler = threading.Thread(target=_sample_tree, args=(p.pid, peak, stop), daemon=True)
    sampler.start()
    _, status, usage = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t0
    stop.set()
    sampler.join()
    err = p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"  ! {' '.join(cmd[2:])} exited {code}: {err.strip().splitlines()[-1:] }", file=sys.stderr)
    return {"seconds": round(secs, 2), "peak_mb": round(usage.ru_maxrss / 1024), "tree_mb": round(peak[0] / 1024),
            "exit": code}


def fresh(base: Path, name: str) -> Path:
    """A copy of the ingested store for one command, with its write-ahead log when there is one (records not yet
    written into the store file live there: a copy of the file alone would lack them)."""
    out = base.parent / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(out) + suffix).unlink(missing_ok=True)
    shutil.copyfile(base, out)
    if Path(str(base) + "-wal").exists():
        shutil.copyfile(str(base) + "-wal", str(out) + "-wal")
    return out


def repeated(n: int, once) -> dict:
    """``once()`` run ``n`` times: the median wall time (each run's in ``runs``), the largest memory figures.
    A shared 2-core machine varies by 10-20 % from one run to the next: a single run is no figure."""
    got = [once() for _ in range(max(1, n))]
    return {**got[0], "seconds": round(statistics.median(r["seconds"] for r in got), 2),
            "peak_mb": max(r["peak_mb"] for r in got),
            "tree_mb": max(r["tree_mb"] for r in got), "runs": [r["seconds"] for r in got],
            "exit": max(r["exit"] for r in got)}


def peer_command(base: Path, measure: str) -> list[str]:
    """The raw-igraph script computing ``measure`` on the store ``base``."""
    return [sys.executable, str(ROOT / "bench" / "peer_igraph.py"), str(base), measure]


def speed_reference(base: Path, env: dict, n: int) -> float:
    """Median wall seconds of the raw-igraph PageRank script on the ingested store (``n`` runs)."""
    return repeated(n, lambda: run(peer_command(base, "pagerank"), env))["seconds"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=10)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workdir", default=None, help="default bench/results/commands-s<scale>")
    ap.add_argument("--reuse", action="store_true", help="reuse the world and store already in workdir")
    ap.add_argument("--pipeline-only", action="store_true", help="ingest + flags + paths + centrality + communities")
    ap.add_argument("--ingest-only", action="store_true", help="only the ingest (with --reuse: of the world "
                                                               "already in workdir, into a fresh store)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each command (not the pipeline): the median "
                                                         "time and the largest memory are printed")
    args = ap.parse_args()
    work = Path(args.workdir or ROOT / "bench" / "results" / f"commands-s{args.scale:g}")
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    world, base = work / "world", work / "base.db"
    rows = {}
    results: dict[str, dict] = {}
    def ingest() -> dict:
        for suffix in ("", "-wal", "-shm"):
            Path(str(base) + suffix).unlink(missing_ok=True)
        return run(GRAPHRISK + ["ingest", str(world), "--db", str(base), "--quiet"], env)

    # the ingest into a fresh store, as often as each command (the last one's store is the base)
    ingests = 1 if args.pipeline_only else args.repeat
    if not (args.reuse and base.exists()):
        shutil.rmtree(world, ignore_errors=True)
        results["sample"] = run(GRAPHRISK + ["sample", "--out", str(world), "--scale", str(args.scale),
                                             "--seed", str(args.seed)], env)
        results["ingest"] = repeated(ingests, ingest)
    elif args.ingest_only:
        results["ingest"] = repeated(ingests, ingest)
    rows = sum(max(0, sum(1 for _ in open(f, encoding="utf-8")) - 1) for f in world.glob("*.csv"))
    if "ingest" in results:
        results["ingest"]["rows_per_s"] = round(rows / results["ingest"]["seconds"])
    runs = max(1, args.repeat)  # the reference, like each command: a scale-50 run of it takes about 26 s
    reference = [speed_reference(base, env, runs)]  # on the ingested store, before the analyses
    pipeline = [("flags", ["flags", "--format", "json"]), ("paths --all", ["paths", "--all", "--format", "json"]),
                ("centrality --measure all", ["centrality", "--measure", "all", "--format", "json"]),
                ("communities", ["communities"])]
    if args.ingest_only:
        pass
    elif args.pipeline_only:
        db = fresh(base, "pipeline")
        for name, cmd in pipeline:
            results[name] = run(GRAPHRISK + cmd + ["--db", str(db)], env)
        total = sum(r["seconds"] for r in results.values() if "seconds" in r and r is not results.get("sample"))
        results["total (ingest + analyses)"] = {"seconds": round(total, 2),
                                                "peak_mb": max(r["peak_mb"] for r in results.values()),
                                                "tree_mb": max(r.get("tree_mb", 0) for r in results.values())}
    else:
        n = args.repeat
        for name, cmd in pipeline[:3]:
            results[name] = repeated(n, lambda: run(GRAPHRISK + cmd + ["--db", str(fresh(base, name.split()[0]))], env))
        for measure in ("pagerank", "eigenvector", "degree"):
            results[f"centrality --measure {measure}"] = repeated(n, lambda: run(GRAPHRISK + [
                "centrality", "--measure", measure, "--no-store", "--format", "json", "--db",
                str(fresh(base, measure))], env))
            results[f"peer igraph {measure}"] = repeated(n, lambda: run(peer_command(base, measure), env))
        out = work / "report"
        pairs = []
        for _ in range(max(1, n)):  # a cold report, then the same week again on the same store
            db = fresh(base, "report")
            shutil.rmtree(out, ignore_errors=True)
            pairs.append((run(GRAPHRISK + ["report", "--week", "latest-data", "--out", str(out), "--db", str(db),
                                           "--quiet"], env),
                          run(GRAPHRISK + ["report", "--week", "latest-data", "--out", str(out), "--db", str(db),
                                           "--quiet"], env)))
        results["report (cold, with trend)"] = repeated(len(pairs), iter([c for c, _ in pairs]).__next__)
        results["report (evaluations stored)"] = repeated(len(pairs), iter([w for _, w in pairs]).__next__)
    reference.append(speed_reference(base, env, runs))
    ref = round(statistics.mean(reference), 2)
    results["speed reference"] = {"seconds": ref, "before": reference[0], "after": reference[1]}
    print(f"\nscale {args.scale:g}: {rows:,} rows; each command a fresh process"
          + (f", median of {args.repeat} runs" if args.repeat > 1 and not args.pipeline_only else "") + "\n")

    print(f"speed reference: the raw-igraph PageRank script took {reference[0]:.2f} s before the analyses and "
          f"{reference[1]:.2f} s at the end (median of {runs} each); x ref = seconds / their mean\n")
    print(f"{'command':<34}{'seconds':>9}{'x ref':>7}{'peak MB':>9}{'tree MB':>9}  notes")
    for name, r in results.items():
        if name == "speed reference":
            continue
        note = ""
        if "rows_per_s" in r:
            note = f"{r['rows_per_s']:,} rows/s"
        for m in ("pagerank", "eigenvector", "degree"):
            peer = results.get(f"peer igraph {m}")
            if name == f"centrality --measure {m}" and peer:
                note = (f"{r['seconds'] / max(peer['seconds'], 0.01):.2f}x the time, "
                        f"{r['peak_mb'] / max(peer['peak_mb'], 1):.2f}x the memory of raw igraph")
        times = f"{r['seconds']:>9.2f}{r['seconds'] / max(ref, 0.01):>7.2f}"
        print(f"{name:<34}{times}{r['peak_mb']:>9}{r.get('tree_mb', ''):>9}  {note}")
    (work / "results.json").write_text(json.dumps({"scale": args.scale, "rows": rows, "results": results},
                                                  indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
