"""Approval power of a foreign-affairs office (对外交往权): a benefit from a company or person to the
official (or a specific related person of the official) before the official's approval of a trip
abroad, a business-travel card or a similar permission for that company or person.

Approvals are ``decisions`` whose ``decision_type`` contains one of ``decision_types`` (ignoring case,
spaces and underscores); the conflict path
runs from the benefit to the beneficiary and ends at the approval. Red when the official approved
personally after the benefit; orange when only their unit decided, or the benefit came after.
Runs before the general gift and trip rules, which leave these paths to it.
"""
from __future__ import annotations

from .. import Finding, rule
from ._common import (
    OWNER_ROLES,
    benefit_at,
    ceiling,
    chain,
    claimed,
    matches_vocabulary,
    per_pair,
    ranges,
)

BENEFITS = ("gift", "trip_sponsor", "contact")


def decision_type(ctx, p) -> str | None:
    e = p.decision
    if e.kind not in ("decision", "decided"):
        return None
    for d in ctx.between(e.source, e.target):
        if d.get("record_id") == e.record_id:
            return d.get("decision_type")
    return None


@rule("approval_power", "Benefit before an approval of the foreign-affairs office", order=5, validate=ranges(window_days=(0, None)))
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("approval_power")
    matches, meta = [], {}
    for p in ctx.paths:
        dtype = decision_type(ctx, p)
        if not matches_vocabulary(dtype, cfg["decision_types"]):
            continue
        hit = next((h for h in (benefit_at(p, k) for k in BENEFITS) if h), None)
        if hit is None:
            continue
        i, benefit = hit
        if tuple(chain(p)[i + 1:]) not in {()} | {(r,) for r in OWNER_ROLES}:
            continue
        if benefit.kind == "contact" and not benefit.detail.get("channel"):
            continue
        if benefit.kind == "gift" and benefit.detail.get("declared") == 1:
            continue
        if p.gap_days is None or abs(p.gap_days) > cfg["window_days"]:
            continue
        matches.append((p, ceiling(not p.approved_personally, p.gap_days < 0, benefit.kind == "contact")))
        meta[p.path_id] = {"decision_type": dtype, "benefit": benefit.kind, "via_related_person": i == 1}
    return per_pair("approval_power", matches, claimed(ctx), ctx=ctx, meta=meta)
