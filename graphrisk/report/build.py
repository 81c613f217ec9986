"""The weekly exposure report as data: one plain, JSON-ready dict (``Report.data``), rendered by the writers.

What the report counts
----------------------
- **Received** means *dated in the period*: records whose own date (contact,
  gift and contract date, trip start date, tie start date) falls between
  ``since`` and ``until``. That is what the registers say happened in the
  week, whatever day they were loaded. The batch view is a second figure:
  the batches (files) loaded during the period (by their finish time, UTC),
  their rows, and how many of their records are dated before the period
  (late arrivals).
- **Levels** now are those as of ``until``; the previous levels are those as
  of the previous period's end (``since`` - 1 day), each from a stored run
  made with that ``as_of`` on the same data and settings, or from replaying
  the analysis with that ``as_of``; never the store's latest run.
- **Priority attention** (``[report] attention_level``, default orange):
  officials *new* (no level before), *escalated* (level rose) or
  *de-escalated* (level fell) when either level is at or above the attention
  level; and officials at or above it whose level did not change but who
  have a finding with a record dated in the period (*new evidence*).
- **New conflict paths** are the paths as of ``until`` whose latest record
  is dated in the period.
- **Exposure by unit**: officials flagged (yellow or above) per unit, and
  the contracts their findings and paths cite (distinct, summed per
  currency).
- **Movers**: officials whose PageRank or brokerage rose most between the
  two dates.
- **Trend**: officials per level as of each of the last ``trend_weeks`` week
  ends (stored runs reused; missing ones evaluated and stored).
- **Foreign affairs** (``foreign_affairs``): trips under way in the period, gifts
  during trips, trip and business-card approvals given, foreign contacts (``foreign.py``).

Nothing here reads the clock: the same store, settings and period give the
same dict. Timings and cache use go to ``Report.meta``.
"""
from __future__ import annotations

import re
import time
from datetime import date
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .. import store
from ..findings import LEVEL_RANK, LEVELS
from .period import Period, week_ends, iso_week_label
from .foreign import foreign_affairs
from .records import Names, _in, _name, lookup_records, received  # noqa: F401 (lookup_records re-exported)
from .snapshots import Snapshot, Snapshots

FORMAT_VERSION = 1
FLAGGED = ("red", "orange", "yellow")

@dataclass
class Report:
    data: dict
    meta: dict
    period: Period
    current: Snapshot
    previous: Snapshot
    settings: dict
    maps: list[dict] = field(default_factory=list)  # [{official_id, file}] to write beside the report (and case files)


def report_settings(settings: dict) -> dict:
    return dict(settings.get("report", {}))


def map_file(official_id: str) -> str:
    """Relative path of an official's map beside the report (a safe file name whatever the id)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", str(official_id)).strip(".") or "official"
    if safe != str(official_id):
        import hashlib

        safe += "-" + hashlib.sha1(str(official_id).encode("utf-8")).hexdigest()[:8]
    return f"maps/{safe}.html"


def _level_counts(flags: list[dict], total: int) -> dict[str, int]:
    return _counts_of_levels([f["level"] for f in flags], total)


def _counts_of_levels(levels: list[str], total: int) -> dict[str, int]:
    c = Counter(levels)
    out = {lvl: c.get(lvl, 0) for lvl in FLAGGED}
    out["green"] = max(total - sum(out.values()), 0)
    return out


# ------------------------------------------------------------------ attention

def _reasons(flag: dict | None, period: Period, records: dict, top: int) -> list[dict]:
    if not flag:
        return []
    out = []
    for i, r in enumerate(flag.get("reasons", [])):
        in_period = _in(r.get("latest_date"), period) or any(
            _in(records.get(e, {}).get("date"), period) for e in r.get("evidence") or [])
        if i < top or in_period:
            out.append({**r, "in_period": bool(in_period)})
    return out


def attention(cur: Snapshot, prev: Snapshot, period: Period, level: str, top: int, db, G) -> tuple[dict, dict]:
    """The attention lists and the records their reasons cite (looked up once)."""
    floor = LEVEL_RANK[level]
    a, b = cur.by_official(), prev.by_official()
    ids = set()
    for f in list(a.values()) + list(b.values()):
        if LEVEL_RANK[f["level"]] >= floor:
            for r in f.get("reasons", []):
                ids.update(r.get("evidence") or [])
    records = lookup_records(db, ids, G)
    out = {"level": level, "new": [], "escalated": [], "de_escalated": [], "new_evidence": []}
    for oid in sorted(set(a) | set(b)):
        fa, fb = a.get(oid), b.get(oid)
        la, lb = (fa or {}).get("level", "green"), (fb or {}).get("level", "green")
        if max(LEVEL_RANK[la], LEVEL_RANK[lb]) < floor:
            continue
        reasons = _reasons(fa or fb, period, records, top)
        if la == lb:
            if not any(r["in_period"] for r in _reasons(fa, period, records, 0)):
                continue
            section = "new_evidence"
        elif LEVEL_RANK[la] > LEVEL_RANK[lb]:
            section = "new" if lb == "green" else "escalated"
        else:
            section = "de_escalated"
        src = fa or fb
        out[section].append({
            "official_id": oid, "name": src.get("name") or oid, "unit_id": src.get("unit_id"),
            "unit": src.get("unit"), "level": la, "previous_level": lb,
            "score": (fa or {}).get("score", 0.0), "previous_score": (fb or {}).get("score", 0.0),
            "reasons": reasons, "reasons_total": len((fa or fb).get("reasons", [])),
            "map": None, "case": None})
    for section in ("new", "escalated", "de_escalated", "new_evidence"):
        out[section].sort(key=lambda e: (-LEVEL_RANK[e["level"]], -e["score"], e["official_id"]))
    return out, records


def case_file(official_id: str) -> str | None:
    """Relative path of an official's case file beside the report, when graphrisk.explain is installed."""
    import importlib.util

    if importlib.util.find_spec("graphrisk.explain") is None:
        return None
    from ..explain import case_file_name

    return f"cases/{case_file_name(official_id)}"


def _triage_states(db, rows: list[dict]) -> None:
    """Each row's triage: how many of the official's findings stand at each status ({} when none is
    triaged)."""
    from .. import triage

    state = triage.current(db)
    for r in rows:
        counts: dict[str, int] = {}
        for reason in r.pop("_all_reasons"):
            step = state.get((reason.get("metadata") or {}).get("finding_id"))
            if step is not None:
                counts[step["status"]] = counts.get(step["status"], 0) + 1
        r["triage"] = dict(sorted(counts.items()))


def flagged_table(cur: Snapshot, prev: Snapshot, levels=("red", "orange"), top: int = 3, db=None) -> list[dict]:
    """Everyone at ``levels`` as of the period's end, changed or not, strongest first, with their top reasons."""
    before = prev.by_official()
    rows = []
    for f in cur.flags:
        if f["level"] not in levels:
            continue
        b = before.get(f["official_id"]) or {}
        rows.append({"official_id": f["official_id"], "name": f.get("name") or f["official_id"],
                     "unit_id": f.get("unit_id"), "unit": f.get("unit"), "level": f["level"],
                     "previous_level": b.get("level", "green"), "score": f["score"],
                     "previous_score": b.get("score", 0.0), "reasons": (f.get("reasons") or [])[:top],
                     "reasons_total": len(f.get("reasons") or []), "map": None, "case": None, "triage": None,
                     "_all_reasons": f.get("reasons") or []})
    rows.sort(key=lambda e: (-LEVEL_RANK[e["level"]], -e["score"], e["official_id"]))
    if db is not None:
        _triage_states(db, rows)
    for r in rows:
        r.pop("_all_reasons", None)
    return rows


# ------------------------------------------------------------------ units

def units(cur: Snapshot, prev: Snapshot, db, G) -> list[dict]:
    cur_paths = defaultdict(list)
    for p in cur.paths:
        cur_paths[p["official_id"]].append(p)
    flagged_prev = Counter(f["unit_id"] for f in prev.flags if f["level"] in FLAGGED)
    per_unit: dict = defaultdict(lambda: {"levels": Counter(), "contracts": set()})
    for f in cur.flags:
        if f["level"] not in FLAGGED:
            continue
        u = per_unit[f["unit_id"]]
        u["levels"][f["level"]] += 1
        for r in f.get("reasons", []):
            u["contracts"].update(r.get("evidence") or [])
        for p in cur_paths.get(f["official_id"], []):
            u["contracts"].add(p["edges"][-1]["record_id"])
    all_ids = set().union(*(u["contracts"] for u in per_unit.values())) if per_unit else set()
    amounts: dict[str, tuple] = {}
    for chunk in store.chunks(sorted(all_ids), 500):
        marks = ",".join("?" * len(chunk))
        for r in db.query(f"select contract_id, amount, currency from contracts where contract_id in ({marks})",
                          chunk):
            amounts[r["contract_id"]] = (r["amount"] or 0.0, r["currency"] or "?")
    rows = []
    for uid in sorted(set(per_unit) | set(flagged_prev), key=str):
        u = per_unit.get(uid, {"levels": Counter(), "contracts": set()})
        money: dict[str, float] = defaultdict(float)
        n = 0
        for cid in u["contracts"]:
            if cid in amounts:
                n += 1
                money[amounts[cid][1]] += amounts[cid][0]
        rows.append({"unit_id": uid, "unit": _name(G, uid) or uid,
                     "red": u["levels"]["red"], "orange": u["levels"]["orange"], "yellow": u["levels"]["yellow"],
                     "flagged": sum(u["levels"].values()), "previous_flagged": flagged_prev.get(uid, 0),
                     "contracts": n, "contract_amount": {k: round(v, 2) for k, v in sorted(money.items())}})
    rows.sort(key=lambda r: (-r["red"], -r["orange"], -r["flagged"], -sum(r["contract_amount"].values()),
                             str(r["unit_id"])))
    return rows


# ------------------------------------------------------------------ paths

def new_paths(cur: Snapshot, period: Period, G, min_score: float | None = None) -> list[dict]:
    """Paths at or above ``min_score`` (``[paths] min_score``: the engine also keeps weaker paths a finding
    cites, which the reasons show) whose latest record is dated in the period."""
    out = []
    for p in cur.paths:
        if _in(p.get("latest_date"), period) and (min_score is None or p["score"] >= min_score):
            out.append({**p, "official_name": _name(G, p["official_id"]) or p["official_id"],
                        "company_name": _name(G, p["company_id"]) or p["company_id"],
                        "unit_name": _name(G, p.get("unit_id")),
                        "node_names": [_name(G, n) or n for n in p["nodes"]]})
    out.sort(key=lambda p: (-p["score"], p["path_id"]))
    return out


# ------------------------------------------------------------------ the report

def build_report(db, period: Period, settings: dict, *, store_runs: bool | None = None,
                 snapshots: Snapshots | None = None) -> Report:
    """Compute everything the report shows; see the module docstring for the definitions."""
    cfg = report_settings(settings)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 3)
        return now

    store_runs = cfg.get("store_runs", True) if store_runs is None else store_runs
    snaps = snapshots or Snapshots(db, settings, store_runs=store_runs, label=f"report {period.label}")
    snaps.latest = period.until
    prev_period = period.previous()
    t = time.perf_counter()
    movers_ahead = ()
    if cfg.get("movers", True):
        from .movers import MEASURES, stored_run as stored_centrality

        movers_ahead = [d for d in (prev_period.until, period.until) if stored_centrality(db, d, settings) is None]
    snaps.prefetch([period.until, prev_period.until, *week_ends(period.until, int(cfg.get("trend_weeks", 12)))],
                   workers=int(cfg.get("workers", 2)), centrality_dates=movers_ahead,
                   measures=MEASURES if movers_ahead else ())
    t = lap("prefetch", t)
    cur = snaps.get(period.until)
    prev = snaps.get(prev_period.until)
    G = Names(db)
    t = lap("evaluations", t)

    total_officials = db["officials"].count
    levels_now = _level_counts(cur.flags, total_officials)
    levels_before = _level_counts(prev.flags, total_officials)
    rec = received(db, period)
    t = lap("received", t)
    foreign = foreign_affairs(db, period, settings, G)  # trips, gifts during trips, approvals, foreign contacts
    t = lap("foreign_affairs", t)

    att, records = attention(cur, prev, period, cfg.get("attention_level", "orange"), int(cfg.get("top_reasons", 3)),
                             db, G)
    paths = new_paths(cur, period, G, (settings.get("paths") or {}).get("show_min_strength"))
    flagged = flagged_table(cur, prev, ("red", "orange"), int(cfg.get("top_reasons", 3)), db)
    unit_rows = units(cur, prev, db, G)
    t = lap("attention_paths_units", t)

    mv = {}
    if cfg.get("movers", True):
        from .movers import centrality_run, movers

        before, bp, bc = centrality_run(db, prev_period.until, settings, snaps.graph, store_runs,
                                        snaps.centrality(prev_period.until))
        after, ap, ac = centrality_run(db, period.until, settings, snaps.graph, store_runs,
                                       snaps.centrality(period.until))
        names = {}
        cand = sorted(set(before.get("pagerank", {})) | set(after.get("pagerank", {}))
                      | set(before.get("brokerage", {})) | set(after.get("brokerage", {})), key=str)
        G.load(cand)
        G.load({G.unit_of(o) for o in cand})
        for o in cand:
            u = G.unit_of(o)
            names[o] = (G.name(o) or o, u, G.name(u))
        mv = movers(before, bp, after, ap, names, int(cfg.get("top_movers", 10)))
        snaps.log.append({"centrality": [prev_period.until, period.until], "cached": [bc, ac]})
    t = lap("movers", t)

    trend = []
    for d in week_ends(period.until, int(cfg.get("trend_weeks", 12))):
        c = _counts_of_levels(snaps.levels(d), total_officials)
        trend.append({"as_of": d, "week": iso_week_label(date.fromisoformat(d)),
                      **{lvl: c[lvl] for lvl in FLAGGED}, "flagged": sum(c[lvl] for lvl in FLAGGED)})
    t = lap("trend", t)

    # maps: every official listed in the attention sections, then everyone at map_level or above, up to max_maps
    listed = [e for s in ("new", "escalated", "de_escalated", "new_evidence") for e in att[s]]
    want = [e["official_id"] for e in listed]
    want += [e["official_id"] for e in flagged]
    want += [f["official_id"] for f in sorted(cur.flags, key=lambda f: (-f["score"], f["official_id"]))
             if LEVEL_RANK[f["level"]] >= LEVEL_RANK[cfg.get("map_level", "red")]]
    maps, seen, not_drawn = [], set(), []
    for oid in want:
        if oid in seen or not G.is_official(oid):
            continue
        seen.add(oid)
        if len(maps) >= int(cfg.get("max_maps", 20)):
            not_drawn.append(oid)  # named on the page: a capped list must say what it left out
            continue
        maps.append({"official_id": oid, "file": map_file(oid)})
    files = {m["official_id"]: m["file"] for m in maps}
    for e in listed + flagged:  # the case file is written with the map, for the same officials
        e["map"] = files.get(e["official_id"])
        e["case"] = case_file(e["official_id"]) if e["map"] else None

    cited = set()
    for e in listed:
        for r in e["reasons"]:
            cited.update(r.get("evidence") or [])
    for e in flagged:
        for r in e["reasons"]:
            cited.update(r.get("evidence") or [])
    for p in paths:
        cited.update(edge["record_id"] for edge in p["edges"])
    missing = cited - set(records)
    if missing:
        records.update(lookup_records(db, missing, G))
    appendix = sorted((records[i] for i in cited if i in records), key=lambda r: (r["kind"], r["record_id"]))
    t = lap("appendix", t)

    changes = {lvl: levels_now[lvl] - levels_before[lvl] for lvl in LEVELS}
    activity = (rec["total"] + rec["by_batch"]["batches"] + len(paths)
                + sum(len(att[s]) for s in ("new", "escalated", "de_escalated", "new_evidence")))
    data = {
        "format": FORMAT_VERSION,
        "period": {**period.to_dict(), "previous": prev_period.to_dict()},
        "data_version": store.data_version(db),
        "quiet": activity == 0,
        "received": rec,
        "levels": {"officials": total_officials, "current": levels_now, "previous": levels_before,
                   "change": changes, "as_of": period.until, "previous_as_of": prev_period.until},
        "attention": att,
        "flagged": flagged,
        "foreign_affairs": foreign,
        "paths": {"new": paths, "total": len(cur.paths), "previous_total": len(prev.paths)},
        "units": unit_rows,
        "movers": mv,
        "trend": trend,
        "records": appendix,
        "maps": maps,
        "maps_not_drawn": not_drawn,
        "settings": {"attention_level": att["level"], "top_reasons": int(cfg.get("top_reasons", 3)),
                     "trend_weeks": int(cfg.get("trend_weeks", 12)), "map_level": cfg.get("map_level", "red")},
    }
    meta = {"seconds": round(time.perf_counter() - t0, 3), "timings": timings, "snapshots": snaps.log,
            "runs": {"current": cur.run_id, "previous": prev.run_id}}
    return Report(data=data, meta=meta, period=period, current=cur, previous=prev, settings=settings, maps=maps)
