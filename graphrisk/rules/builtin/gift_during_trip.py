"""Gift during a trip: an undeclared gift from a private person or company dated within one of the
official's trips (its ``trip_id``, or its date within the trip plus ``margin_days``).

A signal (yellow) on its own; orange when the giver, or a company the giver owns or works for (or a
person of the giving company), paid for the trip, travelled on it, or has contracts or decisions
with the official's unit. Courtesy-level gifts (at or below ``trivial_quantile`` of the register's
gifts, same currency) and declared gifts (handed in to the gift register) do not count.
"""
from __future__ import annotations

from ...findings import Reason
from ...i18n import LANGS, fmt_date, fmt_money, t
from .. import Finding, rule
from ..scale import band, scales_of, threshold
from ._common import ranges
from ._trips import companies_of, days, people_of, trips_of

PRIVATE = ("person", "company", "organisation")
DECISIONS = ("contract", "decision")


def _trip_of(trips: dict, gift: dict, margin: int) -> dict | None:
    if gift.get("trip_id") and gift["trip_id"] in trips:
        return trips[gift["trip_id"]]
    for tr in sorted(trips.values(), key=lambda x: x["record_id"]):
        start, end = tr.get("date"), tr.get("end_date") or tr.get("date")
        a, b = days(start, gift.get("date")), days(gift.get("date"), end)
        if a is not None and b is not None and a >= -margin and b >= -margin:
            return tr
    return None


@rule("gift_during_trip", "Gift during an official trip", max_level="orange", order=25, validate=ranges(margin_days=(0, None), trivial_quantile=(0, 1), min_value=(0, None)), paths=False, weight=2)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("gift_during_trip")
    trips = trips_of(ctx)
    sc = scales_of(ctx)
    out = []
    for u, v, k, d in ctx.edges("gift"):
        if ctx.kind(v) != "official" or ctx.kind(u) not in PRIVATE or v not in trips:
            continue
        declared = d.get("declared")
        if declared == 1 or (declared is None and not cfg["count_unknown_declared"]):
            continue
        tr = _trip_of(trips[v], d, cfg["margin_days"])
        if tr is None:
            continue
        fence = threshold(ctx, "gift", d.get("currency"), setting=cfg["min_value"], quantile=cfg["trivial_quantile"],
                          fallback=cfg["fallback_min_value"])
        if fence.value is None or (d.get("amount") or 0) <= fence.value:
            continue
        giver_side = {u} | companies_of(ctx, u) | (people_of(ctx, u) if ctx.kind(u) == "company" else set())
        on_trip = giver_side & (set(tr["participants"]) | {tr.get("sponsor")})
        units = ctx.units_of(v, d.get("date"))
        business = sorted({e["record_id"] for c in giver_side for unit in units for e in ctx.between(unit, c)
                           if e.get("kind") in DECISIONS})
        linked = bool(on_trip or business)
        z = sc.z("gift", d.get("amount"), d.get("currency"))
        strength = 0.5 if z is None else min(1.0, max(0.0, z / 4))
        key = ("rules.gift_during_trip.on_trip" if on_trip else "rules.gift_during_trip.business" if business
               else "rules.gift_during_trip.plain")
        summaries = {lang: t(key, lang, official=ctx.name(v), amount=fmt_money(d.get("amount"), d.get("currency"), lang),
                             giver=ctx.name(u), date=fmt_date(d.get("date"), lang), gift=d["record_id"],
                             trip=tr["record_id"], destination=tr.get("destination") or tr.get("country") or "?",
                             records=", ".join(business[:5])) for lang in LANGS}
        evidence = sorted({d["record_id"], tr["record_id"], *business})
        out.append(Finding(v, Reason(
            rule="gift_during_trip", score=band(ctx.settings, "orange" if linked else "yellow", strength),
            summary=summaries["en"], summaries=summaries, evidence=evidence, path=[v, u],
            company_id=u if ctx.kind(u) == "company" else next(iter(sorted(giver_side - {u})), None),
            latest_date=d.get("date"),
            metadata={"trip_id": tr["record_id"], "giver_on_trip": sorted(x for x in on_trip if x),
                      "business_with_unit": business, "threshold": fence.meta()})))
    return out
