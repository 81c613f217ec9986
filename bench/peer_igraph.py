"""The peer for `graphrisk centrality`: read the same store straight into igraph and run one measure.

    python bench/peer_igraph.py STORE.db pagerank

What a user with sqlite3 and igraph would write: every entity id as a vertex, every edge the model
declares as an undirected tie (parallel records collapsed, self-loops dropped), then the measure.
bench/bench_commands.py runs it as a separate process and prints graphrisk's time and memory as a
ratio of this script's.
"""
from __future__ import annotations

import sqlite3
import sys
import time

import igraph as ig
import numpy as np

ENTITY = {"units": "unit_id", "officials": "official_id", "people": "person_id", "companies": "company_id",
          "organisations": "organisation_id", "public_bodies": "public_body_id", "unresolved": "unresolved_id"}
EDGES = [("officials", "official_id", "unit_id"), ("memberships", "official_id", "unit_id"),
         ("relations", "from_id", "to_id"), ("contacts", "official_id", "counterpart_id"),
         ("gifts", "giver_id", "recipient_id"), ("trips", "sponsor_id", "official_id"),
         ("contracts", "unit_id", "supplier_id"), ("contracts", "approver_id", "supplier_id"),
         ("decisions", "unit_id", "beneficiary_id"), ("decisions", "official_id", "beneficiary_id")]


def main() -> None:
    path, measure = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "pagerank")
    t0 = time.perf_counter()
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
    ids: list[str] = []
    for t, c in ENTITY.items():
        if t in tables:
            ids += [r[0] for r in con.execute(f"select {c} from {t}")]
    ids = sorted(set(ids))
    index = {n: i for i, n in enumerate(ids)}
    src, dst = [], []
    for t, a, b in EDGES:
        if t in tables:
            for u, v in con.execute(f"select {a}, {b} from {t} where {a} is not null and {b} is not null"):
                if u in index and v in index:
                    src.append(index[u])
                    dst.append(index[v])
    # trip participants: ';'-separated ids
    if "trips" in tables:
        for o, ps in con.execute("select official_id, participants from trips where participants is not null"):
            for p in ps.split(";"):
                if p in index and o in index:
                    src.append(index[o])
                    dst.append(index[p])
    a, b = np.asarray(src), np.asarray(dst)
    keep = a != b
    a, b = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    n = len(ids)
    keys = np.unique(a.astype(np.int64) * n + b)
    g = ig.Graph(n=n, edges=np.column_stack((keys // n, keys % n)), directed=False)
    t1 = time.perf_counter()
    if measure == "pagerank":
        vals = g.pagerank(damping=0.85)
    elif measure == "eigenvector":
        vals = g.eigenvector_centrality(scale=True)
    elif measure == "degree":
        vals = g.degree()
    elif measure == "betweenness":
        vals = g.betweenness(directed=False, sources=np.random.default_rng(42).choice(n, 100, replace=False).tolist())
    else:
        raise SystemExit(f"unknown measure {measure}")
    top = int(np.argmax(vals))
    print(f"{measure}: {n} vertices, {g.ecount()} ties; load {t1 - t0:.2f} s, measure {time.perf_counter() - t1:.2f} s; "
          f"top {ids[top]}")


if __name__ == "__main__":
    main()
