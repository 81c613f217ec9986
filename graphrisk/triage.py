"""Triage that persists: an investigator's decision on a finding (confirmed, dismissed, watch), kept
with who and when, applied to every later evaluation.

A finding is named by its stable id (``Reason.metadata["finding_id"]``: rule, official and subject,
see :func:`graphrisk.rules.engine.finding_id`), so a decision follows the finding from run to run
while records are added to it. Every step is a new row of the table ``triage`` (migration
``004_triage``); nothing is updated or deleted, so the history of a finding is its rows in order.

A **dismissed** finding stays visible (listed with its triage state) but no longer counts towards
the official's score and level, **unless new evidence arrived**: records the finding cites now that
it did not cite when it was dismissed. Confirmed and watched findings count as before.
"""
from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime

from .errors import GraphRiskError, NotFound

STATUSES = ("confirmed", "dismissed", "watch")
TABLE = "triage"


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without a passwd entry)
        return "unknown"


def _find(flags, official_id: str, finding: str):
    """The reason of ``official_id`` whose finding id is ``finding`` (or a unique prefix of it)."""
    flag = next((f for f in flags if f.official_id == official_id), None)
    if flag is None:
        raise NotFound(f"official {official_id} has no findings in the current evaluation")
    hits = [r for r in flag.reasons if r.metadata.get("finding_id") == finding]
    if not hits and len(finding) >= 6:
        hits = [r for r in flag.reasons if str(r.metadata.get("finding_id", "")).startswith(finding)]
    if not hits:
        known = ", ".join(str(r.metadata.get("finding_id")) for r in flag.reasons)
        raise NotFound(f"official {official_id} has no finding {finding} (their findings: {known})")
    if len(hits) > 1:
        raise GraphRiskError(f"finding id prefix {finding} is ambiguous for official {official_id}")
    return hits[0]


def set_status(db, official_id: str, finding: str, status: str, note: str | None = None, *,
               evaluation, user: str | None = None, at: str | None = None) -> dict:
    """Record a triage step on one finding of an official; return the stored row.

    ``evaluation`` (a graphrisk.engine Evaluation) is the evaluation the finding is looked up in.
    The step keeps the finding's evidence as it stands, so later records can be told apart as new
    evidence.
    """
    if status not in STATUSES:
        raise GraphRiskError(f"unknown triage status '{status}' (use one of: {', '.join(STATUSES)})")
    reason = _find(evaluation.flags, official_id, finding)
    row = {"finding_id": reason.metadata["finding_id"], "official_id": official_id, "rule": reason.rule,
           "status": status, "note": note or "", "user": user or _user(),
           "at": at or datetime.now(UTC).isoformat(timespec="seconds"),
           "evidence": json.dumps(sorted(reason.evidence), ensure_ascii=False),
           "run_id": getattr(evaluation, "run_id", None)}
    with db.conn:
        db[TABLE].insert(row)
    row["id"] = db.execute("select max(id) from triage").fetchone()[0]
    return row


def history(db, official_id: str | None = None, finding: str | None = None) -> list[dict]:
    """Every triage step, oldest first (of one official and/or one finding)."""
    if TABLE not in db.table_names():
        return []
    where, params = [], []
    if official_id:
        where.append("official_id = ?")
        params.append(official_id)
    if finding:
        where.append("finding_id = ?")
        params.append(finding)
    sql = "select * from triage" + (" where " + " and ".join(where) if where else "") + " order by id"
    return [dict(r, evidence=json.loads(r["evidence"] or "[]")) for r in db.query(sql, params)]


def current(db) -> dict[str, dict]:
    """The latest triage step of every finding: {finding id: step}."""
    out: dict[str, dict] = {}
    for step in history(db):
        out[step["finding_id"]] = step
    return out


def annotate_reasons(reasons, state: dict[str, dict]) -> None:
    """Put each reason's triage state into ``metadata["triage"]`` (status, note, who, when, new evidence)."""
    for r in reasons:
        step = state.get(r.metadata.get("finding_id"))
        if step is None:
            r.metadata.pop("triage", None)
            continue
        new = sorted(set(r.evidence) - set(step["evidence"]))
        r.metadata["triage"] = {"status": step["status"], "note": step["note"], "user": step["user"],
                                "at": step["at"], "new_evidence": new}


def listing(db, status: str | None = None, official_id: str | None = None) -> list[dict]:
    """The latest step of each triaged finding (optionally of one status or official), newest first,
    with how many steps it has had."""
    steps = history(db, official_id=official_id)
    count: dict[str, int] = {}
    for s in steps:
        count[s["finding_id"]] = count.get(s["finding_id"], 0) + 1
    latest = {s["finding_id"]: s for s in steps}
    out = [dict(s, steps=count[fid]) for fid, s in latest.items() if status is None or s["status"] == status]
    out.sort(key=lambda s: (s["at"], s["id"]), reverse=True)
    return out


__all__ = ["STATUSES", "annotate_reasons", "current", "history", "listing", "set_status"]
