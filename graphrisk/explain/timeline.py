"""The official's timeline and what may have bought what: their own records, their units' awards to the
companies on their paths and every cited record, in date order within the window; and each benefit dated
before a decision whose beneficiary it reaches (within ``paths.window_days``)."""
from __future__ import annotations

from datetime import date

from .. import schema
from ..findings import ConflictPath, Reason
from .model import CaseRecord
from .records import Records


def _in_window(rec: CaseRecord, since: str | None, until: str | None) -> bool:
    d = (rec.date or "")[:10]
    if not d:
        return rec.role in ("tie", "membership")
    return (not since or d >= since) and (not until or d <= until)


def _days(a: str, b: str) -> int:
    return (date.fromisoformat(b[:10]) - date.fromisoformat(a[:10])).days


def timeline(records: Records, official: dict, aliases: list[str], paths: list[ConflictPath],
             reasons: list[Reason], by_id: dict[str, CaseRecord], since: str | None,
             until: str | None) -> list[CaseRecord]:
    """The official's own records, their units' awards to the companies on their paths, cited records."""
    official_id = official["id"]
    unit_ids = sorted({u["unit_id"] for u in official["units"] if u["unit_id"]})
    targets = {p.company_id for p in paths} | {r.company_id for r in reasons if r.company_id} | \
        {n for p in paths for n in p.nodes} | {n for r in reasons for n in (r.path or [])}
    targets.discard(official_id)
    found: dict[str, CaseRecord] = {}
    for kind in records.kinds:
        if kind in schema.TIE_KINDS:
            continue
        k = schema.KINDS[kind]
        for spec in k.edges:
            for col in (spec.source, spec.target):
                c = k.column(col) if col in k.column_names else None
                if c is None or "officials" not in c.refs:
                    continue
                for alias in aliases:
                    if c.type == schema.LIST:
                        clause, params = f"(';' || coalesce([{col}], '') || ';') like ?", [f"%;{alias};%"]
                    else:
                        clause, params = f"[{col}] = ?", [alias]
                    for rec in records.where(kind, clause, params):
                        found.setdefault(rec.record_id, rec)
            role = schema.EDGE_KINDS.get(spec.kind or "", None)
            if role is not None and role.role == "decision_unit" and unit_ids and targets:
                tl = sorted(targets)
                for i in range(0, len(tl), 400):
                    chunk = tl[i:i + 400]
                    clause = (f"[{spec.source}] in ({','.join('?' * len(unit_ids))}) and "
                              f"[{spec.target}] in ({','.join('?' * len(chunk))})")
                    for rec in records.where(kind, clause, [*unit_ids, *chunk]):
                        found.setdefault(rec.record_id, rec)
    for rid, rec in by_id.items():
        if rec.kind not in schema.TIE_KINDS:
            found.setdefault(rid, rec)
    return sorted((r for r in found.values() if _in_window(r, since, until)),
                  key=lambda r: ((r.date or "")[:10], r.kind, r.record_id))


def benefit_links(entries: list[CaseRecord], paths: list[ConflictPath], reasons: list[Reason],
                  official_id: str, window_days: int) -> list[dict]:
    """Benefit before decision: a benefit from anyone on a path to the decision's beneficiary."""
    reach: dict[str, set[str]] = {}
    for p in paths:
        reach.setdefault(p.company_id, set()).update(p.nodes)
    for r in reasons:
        if r.company_id and r.path:
            reach.setdefault(r.company_id, set()).update(r.path)
    links = []
    benefits = [e for e in entries if e.role == "benefit" and e.date]
    for dec in entries:
        if dec.role != "decision" or not dec.date:
            continue
        for ben_id in [p["id"] for p in dec.parties if p["kind"] != "unit" and p["id"] != official_id]:
            near = reach.get(ben_id, set()) | {ben_id}
            near.discard(official_id)
            for b in benefits:
                if not any(p["id"] in near for p in b.parties):
                    continue
                days = _days(b.date, dec.date)
                if 0 <= days <= window_days:
                    links.append({"benefit": b.record_id, "decision": dec.record_id, "days": days,
                                  "beneficiary": ben_id})
    links.sort(key=lambda x: (x["decision"], x["days"], x["benefit"]))
    return links
