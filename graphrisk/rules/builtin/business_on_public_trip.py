"""Business on a public trip: company people (an owner, representative or staff) travelled with the
official on a trip, and then the company got an award or decision of the official's unit.

Weighed like a sponsored trip, in time order: red when the official took part in the decision and
the trip came first (within ``window_days``), orange for a decision of the unit only or a trip after
the decision. A delegation with company people and no later benefit makes no path and no finding.
"""
from __future__ import annotations

from .. import Finding, rule
from ._common import OWNER_ROLES, ceiling, chain, claimed, per_pair, ranges

COMPANY_SIDE = {()} | {(r,) for r in OWNER_ROLES + ("manager", "employee")}


@rule("business_on_public_trip", "Company people on a public trip, then a decision for the company", order=10, validate=ranges(window_days=(0, None)))
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("business_on_public_trip")
    done = claimed(ctx)
    matches, meta = [], {}
    for p in ctx.paths:
        kinds = chain(p)
        if p.path_id in done or not kinds or kinds[0] != "trip_participant":
            continue
        first = p.private_edges[0]
        if first.source != p.official_id or tuple(kinds[1:]) not in COMPANY_SIDE:
            continue
        if p.gap_days is None or abs(p.gap_days) > cfg["window_days"]:
            continue
        paid_by = [d.get("sponsor_id") for d in ctx.between(first.source, first.target)
                   if d.get("record_id") == first.record_id or d.get("trip_id") == first.record_id]
        sponsor = next((s for s in paid_by if s), None)
        public = sponsor is None or ctx.kind(sponsor) in ("unit", "public_body")
        if not public and not cfg["any_sponsor"]:
            continue
        matches.append((p, ceiling(not p.approved_personally, p.gap_days < 0)))
        meta[p.path_id] = {"trip_id": first.detail.get("trip_id") or first.record_id, "sponsor": sponsor,
                           "public": public}
    return per_pair("business_on_public_trip", matches, done, ctx=ctx, meta=meta)
