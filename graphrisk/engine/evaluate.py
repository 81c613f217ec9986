"""Evaluate once per data version, window and settings; store; reuse.

An evaluation is graph → paths → rules → levels. It is stamped with the data version read before
the data (so an evaluation overlapping an ingest is never reused for the newer data), stored as a
``flags`` run with its flags, findings and paths, and found again by (data version, settings,
window) by every later output. Its paths are every path at or above ``[paths] min_score`` plus
every weaker path a finding cites: the paths the rules cite are the paths every output shows.
"""
from __future__ import annotations

import json

from .. import settings as settings_mod
from .. import store as store_mod
from ..findings import ConflictPath, OfficialFlag, Reason
from ..rules.engine import Evaluation


def evaluation(db, *, settings: dict | None = None, as_of: str | None = None, since: str | None = None,
               until: str | None = None, store: bool = True, reuse: bool = True) -> Evaluation:
    """The evaluation of the store for a window and settings: loaded when stored for the same data.

    ``as_of`` (or ``until``) caps records and ties at a date; ``since`` starts the window.
    ``store=False`` computes without writing (``--no-store``); ``reuse=False`` always computes.
    """
    from ..rules.engine import evaluate

    settings = settings or settings_mod.load()
    end = min(d for d in (as_of, until) if d) if (as_of or until) else None
    if reuse:
        run_id = stored_run(db, settings, as_of=end, since=since)
        if run_id is not None:
            ev = load_evaluation(db, run_id, settings)
            ev.flags = _triaged(db, ev.flags, settings)
            return ev
    ev = evaluate(db, settings=settings, as_of=end, since=since)
    if store:
        store_evaluation(db, ev)
    return ev


def stored_run(db, settings: dict, as_of: str | None = None, since: str | None = None) -> int | None:
    """The stored ``flags`` run of the store's current data with these settings and window, or None."""
    return store_mod.find_run(db, "flags", version=store_mod.data_version(db),
                              settings_json=settings_mod.fingerprint(settings), as_of=as_of, since=since)


def _triaged(db, flags, settings):
    """Flags with the investigators' current triage applied: a stored run is reused for the same data, but
    triage decisions made since apply to it."""
    from ..rules.engine import apply_triage

    return apply_triage(db, flags, settings)


def store_evaluation(db, ev: Evaluation, params: dict | None = None) -> int:
    """Store flags, findings and paths of an evaluation as one ``flags`` run; return its id."""
    run_params = {"since": ev.since, "as_of": ev.as_of, "unresolved": ev.unresolved, **(params or {})}
    run_id = store_mod.start_run(db, "flags", run_params, settings_mod.fingerprint(ev.settings), as_of=ev.as_of,
                                 since=ev.since, version=ev.data_version)
    with db.conn:
        db.conn.executemany("insert into flags values (?, ?, ?, ?, ?, ?, ?, ?)", [
            (run_id, f.official_id, f.name, f.unit_id, f.unit, f.score, f.level,
             json.dumps([r.to_dict() for r in f.reasons], ensure_ascii=False, sort_keys=True))
            for f in ev.flags])
        db.conn.executemany("insert into findings values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (run_id, f.official_id, r.rule, r.score, r.summary, json.dumps(r.evidence, ensure_ascii=False),
             json.dumps(r.path, ensure_ascii=False) if r.path else None, r.path_id, r.company_id, r.latest_date)
            for f in ev.flags for r in f.reasons])
        db.conn.executemany("insert or replace into paths values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (run_id, p.path_id, p.official_id, p.company_id, p.score, p.gap_days, p.hops,
             int(p.approved_personally), p.latest_date, p.explanation,
             json.dumps(p.to_dict(), ensure_ascii=False, sort_keys=True)) for p in ev.paths])
    store_mod.finish_run(db, run_id, ev.seconds)
    ev.run_id = run_id
    return run_id


_REASON_FIELDS = set(Reason.__dataclass_fields__)


def load_flags(db, run_id: int | None = None, as_of: str | None = None) -> list[OfficialFlag]:
    """Flags of a stored run (default: the latest, or the latest as of a date), sorted by score; [] if none."""
    if run_id is None:
        run_id = store_mod.latest_run(db, "flags", as_of=as_of)
        if run_id is None:
            return []
    out = []
    for r in db.query("select * from flags where run_id = ? order by score desc, official_id", [run_id]):
        reasons = [Reason(**{k: v for k, v in d.items() if k in _REASON_FIELDS}) for d in json.loads(r["reasons"])]
        out.append(OfficialFlag(r["official_id"], r["name"], r["unit_id"], r["unit"], r["score"], r["level"],
                                reasons))
    return out


def load_paths(db, run_id: int) -> list[ConflictPath]:
    """Paths stored with a run, strongest first."""
    return [ConflictPath.from_dict(json.loads(r["data"])) for r in db.query(
        "select data from paths where run_id = ? order by score desc, path_id", [run_id])]


def load_evaluation(db, run_id: int, settings: dict) -> Evaluation:
    """A stored evaluation (its graph is not loaded: call ``graphrisk.graph.load`` when needed)."""
    run = db["runs"].get(run_id)
    params = json.loads(run["params"] or "{}")
    return Evaluation(load_flags(db, run_id), load_paths(db, run_id), None, settings, run["as_of"],
                      run["seconds"] or 0.0, run_id=run_id, since=run["since"], data_version=run["data_version"],
                      reused=True, unresolved=params.get("unresolved") or {})
