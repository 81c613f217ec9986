"""Profile benchmark: rows/s of applying a mapping profile, and of ingesting through it.

    python bench/bench_profiles.py                 # 10,000 and 100,000 rows
    python bench/bench_profiles.py --rows 10000,500000

A hospitality-register-shaped file (day-first and ISO dates, free-text values,
nil returns, a shifted row every 500, a multi-valued counterparty cell every
20) is written first (not timed), with a minister per row from 400 names and
counterparties from 5,000 names. Timed: ``Profile.apply`` alone, then
``ingest_file`` with the profile (name resolution included) into a fresh
store holding the ministers. Prints one JSON line per size.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import tempfile
import time
from pathlib import Path

PROFILE = """
kind = "contacts"
id_prefix = "B-"
skip_if_empty = ["date", "provider"]
[[shift]]
columns = ["department", "minister", "date", "provider", "hospitality_type", "value"]
when_date = "provider"
unless_date = "date"
[columns]
counterpart_name = "provider"
date = "date"
note = "hospitality_type"
[ids]
official_id = "M-{minister:slug}"
[formats]
date = "day-first"
[values]
value = { "Value Unknown" = "", "Above limit" = "" }
[skip]
date = ["Nil Return"]
[split]
counterpart_name = ";"
[entity_kinds]
counterpart_name = "unknown"
"""


def write_file(path: Path, n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    ministers = [f"Minister {i} {rnd.choice(['Smith', 'Jones', 'Khan', 'Patel', 'Brown'])}" for i in range(400)]
    orgs = [f"{rnd.choice(['Acme', 'Northern', 'Royal', 'City', 'Global'])} {rnd.choice(['Trust', 'Ltd', 'Forum', 'Council', 'Group'])} {i}"
            for i in range(5000)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["department", "minister", "date", "provider", "hospitality_type", "value"])
        for i in range(n):
            m = rnd.choice(ministers)
            if i % 50 == 0:
                w.writerow(["", m, "Nil Return", "Nil Return", "Nil Return", "Nil Return"])
                continue
            d = f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/2025" if i % 3 else \
                f"2025-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            org = rnd.choice(orgs) + (f"; {rnd.choice(orgs)}" if i % 20 == 0 else "")
            val = rnd.choice(["£50", "120", "Value Unknown", "Above limit", "£35.50"])
            if i % 500 == 0:  # shifted one to the right
                w.writerow(["", "Cabinet Office", m, d, org, "Dinner"])
            else:
                w.writerow(["", m, d, org, "Dinner", val])
    return ministers


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="10000,100000")
    args = ap.parse_args()
    from graphrisk import store
    from graphrisk.ingest import ingest_file, ingest_paths
    from graphrisk.ingest.profiles import Profile, slug

    prof = Profile.from_text(PROFILE, "bench.toml")
    for n in (int(x) for x in args.rows.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            src = tmp / "hospitality.csv"
            ministers = write_file(src, n)
            t0 = time.perf_counter()
            applied = prof.apply(src)
            apply_s = time.perf_counter() - t0
            (tmp / "w").mkdir()
            (tmp / "w" / "units.csv").write_text("unit_id,name\nU,Government\n", encoding="utf-8")
            with open(tmp / "w" / "officials.csv", "w", encoding="utf-8") as fh:
                fh.write("official_id,name,unit_id\n")
                for m in ministers:
                    fh.write(f"M-{slug(m)},{m},U\n")
            db = store.connect(tmp / "b.db")
            ingest_paths(db, [tmp / "w"])
            t0 = time.perf_counter()
            rep = ingest_file(db, src, profile=prof)
            ingest_s = time.perf_counter() - t0
            print(json.dumps({"rows": n, "records": len(applied.table.frame), "skipped": sum(applied.skipped.values()),
                              "apply_s": round(apply_s, 2), "apply_rows_per_s": round(n / apply_s),
                              "ingest_s": round(ingest_s, 2), "ingest_rows_per_s": round(n / ingest_s),
                              "inserted": rep.inserted,
                              "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


if __name__ == "__main__":
    main()
