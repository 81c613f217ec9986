"""Map benchmark: generation time, file size and time until physics has stopped in headless Chromium.

    python bench/bench_maps.py                    # 200, 2,000 and 10,000 nodes
    python bench/bench_maps.py --sizes 2000 --runs 3 --keep outputs/bench-maps
    python bench/bench_maps.py --sample 0.5      # the readable default maps of a sample world

A synthetic graph of the given size with the kinds and proportions of the
sample world (units, officials, relatives, companies; memberships, family
and business ties, contacts, gifts, trips, contracts and approvals, about 4
records per node) is rendered whole (the node cap raised to the size) around
one official. "stable" is the time from navigation start until vis-network's
stabilisation iterations are done and physics is switched off (the page's
``window.graphriskMap.stabilizedMs``); "wall" adds opening the page.
Targets: a 2,000-node map generated in under 3 s and stable in under 10 s.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def synthetic_graph(n: int, seed: int = 42) -> nx.MultiDiGraph:
    """About ``n`` nodes with realistic kinds and about 4 records per node, all reachable from O0."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph(since=None, until=None, as_of=None, data_version="bench", merged=0)
    n_units = max(2, n // 100)
    n_off = max(5, int(n * 0.17))
    n_comp = max(5, int(n * 0.25))
    n_people = max(5, n - n_units - n_off - n_comp)
    src = "bench/synthetic.csv"
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"

    def name():
        return rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.randint(1, 2)))

    units = [f"U{i}" for i in range(n_units)]
    offs = [f"O{i}" for i in range(n_off)]
    comps = [f"C{i}" for i in range(n_comp)]
    people = [f"P{i}" for i in range(n_people)]
    for i, u in enumerate(units):
        G.add_node(u, kind="unit", name=f"市第{i}局", source=src, row=i, batch=1)
    for i, o in enumerate(offs):
        G.add_node(o, kind="official", name=name(), unit_id=units[i % n_units], position="科长", rank="正科级",
                   source=src, row=i, batch=2)
        G.add_edge(o, units[i % n_units], key=f"member_of:{o}", kind="member_of", record_id=o, date=None,
                   amount=None, source=src, row=i, batch=2)
    for i, c in enumerate(comps):
        G.add_node(c, kind="company", name=f"{name()}科技有限公司", sector="信息技术", source=src, row=i, batch=3)
    for i, p in enumerate(people):
        G.add_node(p, kind="person", name=name(), source=src, row=i, batch=4)

    def date():
        return f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    k = 0

    def rec(u, v, kind, **attrs):
        nonlocal k
        k += 1
        G.add_edge(u, v, key=f"{kind}:R{k}", kind=kind, record_id=f"R{k}", source=src, row=k, batch=5,
                   **{"date": date(), "amount": None, **attrs})

    for i, p in enumerate(people):  # everybody is tied to someone
        if i % 3 == 0:
            rec(p, rng.choice(offs), "family", relation="spouse", date=None)
        elif i % 3 == 1:
            rec(p, rng.choice(comps), rng.choice(["shareholder", "legal_representative", "director"]), date=None)
        else:
            rec(rng.choice(offs), p, "contact", channel=rng.choice(["dinner", "meeting", "call"]))
    for c in comps:
        for _ in range(rng.randint(1, 4)):
            amount = float(rng.randint(50, 5000) * 1000)
            u = rng.choice(units)
            rec(u, c, "contract", amount=amount, currency="CNY", method="open_tender")
            if rng.random() < 0.6:
                rec(rng.choice(offs), c, "approved", amount=amount, currency="CNY", method="open_tender")
    for _ in range(n):
        rec(rng.choice(offs), rng.choice(people + comps), "contact", channel="meeting")
    for _ in range(n // 3):
        rec(rng.choice(people + comps), rng.choice(offs), "gift", amount=float(rng.randint(1, 200) * 100),
            currency="CNY")
    for _ in range(n // 5):
        rec(rng.choice(comps + units), rng.choice(offs), "trip_sponsor", amount=float(rng.randint(2, 40) * 1000),
            currency="CNY")
    for _ in range(n // 10):
        rec(rng.choice(offs), rng.choice(offs + people), "trip_participant")
    return G


def measure(n: int, workdir: Path, runs: int = 1) -> dict:
    from graphrisk.render import maps

    G = synthetic_graph(n)
    gen_times, r = [], None
    for _ in range(runs):
        t = time.perf_counter()
        dist = maps.hop_distances(G, ["O0"], 99)
        r = maps.render_map(G, dist, focus=["O0"], title=f"bench {n}", mode="bench", max_nodes=n)
        gen_times.append(time.perf_counter() - t)
    path = r.write(workdir / f"map-{n}.html")
    out = {"nodes": r.summary["nodes"], "edges": r.summary["edges"], "records": r.summary["records"],
           "generate_s": min(gen_times), "size_mb": path.stat().st_size / 1e6}
    try:
        from tests.browser import browser_page, chromium_problem
    except ImportError:
        return out
    if chromium_problem():
        out["browser"] = chromium_problem()
        return out
    with browser_page() as s:
        t = time.perf_counter()
        s.open(path)
        s.wait_for("window.graphriskMap && window.graphriskMap.stabilized", timeout_ms=600_000, poll_ms=100)
        out["wall_s"] = time.perf_counter() - t
        out["stable_s"] = s.page.evaluate("window.graphriskMap.stabilizedMs") / 1000
        out["drawn"] = s.page.evaluate("[graphriskNetwork.body.nodeIndices.length, "
                                       "graphriskNetwork.body.edgeIndices.length]")
        out["errors"] = len(s.errors) + len(s.outside_requests())
        s.screenshot(f"bench-map-{n}", folder=workdir)
    return out


def measure_sample(scale: float, workdir: Path, lang: str = "zh") -> list[dict]:
    """The readable default maps of a sample world: every red or orange official's map and the overview
    (generation time, nodes, hubs, hidden neighbours in the file, size)."""
    from graphrisk import store
    from graphrisk.engine import evaluation
    from graphrisk.ingest import ingest_paths
    from graphrisk.render import maps
    from graphrisk.render.map_load import graph_of
    from graphrisk.sample import generate

    generate(workdir / "world", scale=scale, seed=42)
    db = store.connect(workdir / "store.db")
    ingest_paths(db, [workdir / "world"])
    t = time.perf_counter()
    ev = evaluation(db)
    G = graph_of(db, ev)
    print(f"sample scale {scale}: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} records; "
          f"evaluation and graph {time.perf_counter() - t:.2f} s", flush=True)
    levels = {f.official_id: f.level for f in ev.flags}
    scores = {f.official_id: f.score for f in ev.flags}
    rows = []
    for f in [f for f in ev.flags if f.level in ("red", "orange")]:
        t = time.perf_counter()
        r = maps.official_map(G, f.official_id, paths=ev.paths, levels=levels, scores=scores, lang=lang)
        secs = time.perf_counter() - t
        size = r.write(workdir / f"official-{f.official_id}.html").stat().st_size
        rows.append({"map": f.official_id, "s": secs, "size_mb": size / 1e6, **r.summary})
    t = time.perf_counter()
    r = maps.overview_map(G, levels, min_level="orange", paths=ev.paths, scores=scores, lang=lang)
    rows.append({"map": "overview", "s": time.perf_counter() - t,
                 "size_mb": r.write(workdir / "overview.html").stat().st_size / 1e6, **r.summary})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=float, default=None, metavar="SCALE",
                    help="instead: the readable default maps (red/orange officials, overview) of a sample world")
    ap.add_argument("--sizes", default="200,2000,10000")
    ap.add_argument("--runs", type=int, default=1, help="generation runs per size (best is kept)")
    ap.add_argument("--keep", default=None, help="folder to keep the maps and screenshots in")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    tmp = None if args.keep else tempfile.TemporaryDirectory()
    workdir = Path(args.keep or tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    if args.sample is not None:
        print(f"{'map':>10} {'nodes':>6} {'lines':>6} {'hubs':>5} {'hidden':>7} {'generate s':>10} {'size MB':>8}")
        for r in measure_sample(args.sample, workdir):
            print(f"{r['map']:>10} {r['nodes']:>6,} {r['edges']:>6,} {r['hubs']:>5,} {r['hidden']:>7,} "
                  f"{r['s']:>10.2f} {r['size_mb']:>8.2f}", flush=True)
        if tmp:
            tmp.cleanup()
        return
    print(f"{'nodes':>7} {'lines':>7} {'records':>8} {'generate s':>10} {'size MB':>8} {'stable s':>9} "
          f"{'wall s':>7}  drawn / errors")
    for n in sizes:
        r = measure(n, workdir, args.runs)
        print(f"{r['nodes']:>7,} {r['edges']:>7,} {r['records']:>8,} {r['generate_s']:>10.2f} {r['size_mb']:>8.1f} "
              f"{r.get('stable_s', float('nan')):>9.2f} {r.get('wall_s', float('nan')):>7.2f}  "
              f"{r.get('drawn', r.get('browser', ''))} / {r.get('errors', '')}", flush=True)
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
