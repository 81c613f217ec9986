"""Sponsored trip: travel paid by a company or private person; strong when the sponsor (or its owner)
benefits from an award or decision of the official within the window, before or after the trip.

A trip paid by a business with no such award is noted below yellow, and is a yellow signal when the
sponsor supplies the official's unit or the trip's cost is unusual for the register's sponsored
trips (robust z-score, same currency).
"""
from __future__ import annotations

from ...findings import Reason
from ...i18n import LANGS, fmt_date, fmt_money, t
from .. import Finding, rule
from ..scale import band, threshold
from ._common import OWNER_ROLES, benefit_at, ceiling, chain, claimed, per_pair, ranges
from ._trips import companies_of

DECISION_KINDS = ("contract", "decision")


@rule("sponsored_trip", "Trip paid by a company or private person", order=10, validate=ranges(window_days=(0, None), unlinked_score=(0, 100), unusual_cost_z=(0, None), linked_unlinked_score=(0, 100)))
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("sponsored_trip")
    matches = []
    linked_trips = set()
    done = claimed(ctx)
    for p in ctx.paths:
        if p.path_id in done:  # explained by a more specific rule (approval_power)
            continue
        hit = benefit_at(p, "trip_sponsor")
        if hit is None:
            continue
        i, first = hit
        if tuple(chain(p)[i + 1:]) not in {()} | {(r,) for r in OWNER_ROLES}:
            continue
        if p.gap_days is None or abs(p.gap_days) > cfg["window_days"]:
            continue
        matches.append((p, ceiling(not p.approved_personally, p.gap_days < 0)))
        linked_trips.add(first.record_id)
    out = per_pair("sponsored_trip", matches, claimed(ctx), ctx=ctx)
    for u, v, k, d in ctx.edges("trip_sponsor"):
        if d.get("government") or d["record_id"] in linked_trips:
            continue
        if ctx.kind(v) != "official" or ctx.kind(u) not in ("company", "person", "organisation"):
            continue
        units = ctx.units_of(v, d.get("date"))
        side = {u} | companies_of(ctx, u, OWNER_ROLES)  # the sponsor, or a company the sponsor owns or runs
        supplies = any(e.get("kind") in DECISION_KINDS for unit in units for c in side for e in ctx.between(unit, c))
        fence = threshold(ctx, "trip_sponsor", d.get("currency"), z=cfg["unusual_cost_z"])
        unusual = bool(d.get("amount") and fence.value is not None and d["amount"] > fence.value)
        if supplies or unusual:
            score = max(cfg["linked_unlinked_score"], band(ctx.settings, "yellow", 0.2))
        else:
            score = cfg["unlinked_score"]
        key = ("rules.sponsored_trip.lone_supplier" if supplies else "rules.sponsored_trip.lone_unusual" if unusual
               else "rules.sponsored_trip.lone")
        summaries = {lang: t(key, lang, sponsor=ctx.name(u), official=ctx.name(v),
                             destination=d.get("destination") or "?", date=fmt_date(d.get("date"), lang),
                             trip=d["record_id"], cost=fmt_money(d.get("amount"), d.get("currency"), lang),
                             window=cfg["window_days"]) for lang in LANGS}
        out.append(Finding(v, Reason(
            rule="sponsored_trip", score=score, summary=summaries["en"], summaries=summaries,
            evidence=[d["record_id"]], path=[v, u], company_id=u if ctx.kind(u) == "company" else None,
            latest_date=d.get("date"), metadata={"sponsor_supplies_unit": supplies, "unusual_cost": unusual,
                                                 "threshold": fence.meta()})))
    return out
