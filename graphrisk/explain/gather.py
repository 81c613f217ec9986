"""Gathering one official's case file (:func:`explain`): who they are, their level and score and what each
point comes from, every reason with the records behind it, their paths and their timeline, from the
stored evaluation and the store itself."""
from __future__ import annotations

from .. import settings as settings_mod
from ..findings import LEVEL_RANK, OfficialFlag
from .model import CaseFile
from .records import Names, Records, canonical_ids, official_of, path_dict
from .timeline import benefit_links, timeline


def score_breakdown(scores: list[float]) -> list[dict]:
    """What each score adds under ``combine``: sorted high to low, weight 0.5**i of what remains."""
    remaining, total, out = 1.0, 0.0, []
    for i, s in enumerate(sorted(scores, reverse=True)):
        share = min(max(s, 0), 100) / 100 * (0.5 ** i)
        added = 100 * remaining * share
        remaining *= 1 - share
        total = 100 * (1 - remaining)
        out.append({"score": s, "weight": 0.5 ** i, "adds": round(added, 4), "total": round(total, 2)})
    return out



def explain(db, official_id: str, *, settings: dict | None = None, as_of: str | None = None,
            since: str | None = None, evaluation=None) -> CaseFile:
    """The case file of one official. ``evaluation``: reuse one already made (a report writing many)."""
    from ..engine import evaluation as evaluate_once

    settings = settings or settings_mod.load()
    names = Names(db)
    official_of(db, official_id, names)  # an unknown id is an error before anything is computed
    canon = canonical_ids(db)
    asked = official_id
    official_id = canon.get(official_id, official_id)  # merged by entity resolution: the one it became
    aliases = sorted({official_id} | {k for k, v in canon.items() if v == official_id})
    official = official_of(db, official_id, names)
    if asked != official_id:
        official["merged_from"] = asked
    official["aliases"] = [a for a in aliases if a != official_id]
    ev = evaluation if evaluation is not None else evaluate_once(db, settings=settings, as_of=as_of, since=since)
    flag: OfficialFlag | None = next((f for f in ev.flags if f.official_id == official_id), None)
    paths = [p for p in ev.paths if p.official_id == official_id]
    path_by_id = {p.path_id: p for p in paths}
    reasons = list(flag.reasons) if flag else []
    records = Records(db, names)

    cited = {e for r in reasons for e in r.evidence} | {e.record_id for p in paths for e in p.edges}
    by_id = records.by_ids(cited)

    # --- score
    cfg = settings["scoring"]
    breakdown = score_breakdown([r.score for r in reasons])
    from ..rules.engine import level_of

    score = flag.score if flag else 0.0
    uncapped = level_of(score, cfg)
    level = flag.level if flag else "green"
    capped_by = None
    if LEVEL_RANK[level] < LEVEL_RANK[uncapped] and reasons:
        capped_by = reasons[0].rule
    reason_dicts = []
    for r, b in zip(reasons, breakdown):
        d = r.to_dict()
        d["adds"], d["total_after"], d["weight"] = b["adds"], b["total"], b["weight"]
        # in time order (undated ties last), so a benefit reads before the award it preceded
        d["records"] = sorted((e for e in r.evidence if e in by_id),
                              key=lambda e: (by_id[e].date is None, (by_id[e].date or "")[:10], e))
        # evidence naming an entity (a company a rule counts) rather than a record
        d["entities"] = [names.entity(e) for e in r.evidence if e not in by_id and names.kind(e)]
        d["missing_records"] = [e for e in r.evidence if e not in by_id and not names.kind(e)]
        d["path_known"] = bool(r.path_id and r.path_id in path_by_id)
        if r.path and not d["path_known"]:
            d["path_nodes"] = [names.entity(n) for n in r.path]
        reason_dicts.append(d)
    scoring = {"cutoffs": {k: cfg[k] for k in ("red", "orange", "yellow")}, "combined": score,
               "uncapped_level": uncapped, "capped_by": capped_by, "contributions": breakdown}

    # --- timeline (up to as_of) and benefit-before-decision links
    entries = timeline(records, official, aliases, paths, reasons, by_id, since, as_of)
    window_days = int(settings.get("paths", {}).get("window_days", 365))
    links = benefit_links(entries, paths, reasons, official_id, window_days)

    all_records = dict(by_id)
    all_records.update({r.record_id: r for r in entries})
    return CaseFile(official=official, level=level, score=score, scoring=scoring, reasons=reason_dicts,
                    paths=[path_dict(p, names) for p in sorted(paths, key=lambda p: (-p.score, p.path_id))],
                    timeline=entries, links=links,
                    window={"since": since, "as_of": as_of, "window_days": window_days},
                    run_id=getattr(ev, "run_id", None), records=all_records)
