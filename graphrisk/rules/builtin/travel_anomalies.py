"""Travel anomalies: an official's trip that stands out against the register's own trips, or breaks the
controls on official travel. Yellow signals with their evidence, never red alone:

- duration or cost far above the norm of trips like it (same unit, abroad or at home, same currency;
  all units when the unit has too few trips): robust z-score of the log value ≥ ``anomaly_z``;
- a specific related person of the official (family, close associate) on a trip paid by government;
- a trip marked outside the annual plan, or approved only after it started, or (for trips abroad,
  when nearly all of the register's trips abroad carry an approval) with no approval on record.

The norms come from the data; the finding states the norm, its basis and the trip's value.
"""
from __future__ import annotations

import math
import statistics
from collections import defaultdict

from ... import money
from ...findings import Reason
from ...i18n import LANGS, fmt_date, fmt_money, t
from .. import Finding, rule
from ..scale import band
from ._common import ranges
from ._trips import abroad, days, duration, is_related, trips_of


def journeys(ctx) -> list[tuple[str, dict]]:
    """Each official's journeys: trip records of one official with the same start, end and destination
    are one journey (a register may file a visit once per sponsor); costs add up, participants join,
    and ``records`` lists every record id."""
    out = []
    for o, ts in sorted(trips_of(ctx).items()):
        if ctx.kind(o) != "official":
            continue
        merged: dict[tuple, dict] = {}
        for rid, tr in sorted(ts.items()):
            key = (tr.get("date"), tr.get("end_date"), str(tr.get("destination") or ""), tr.get("country"))
            j = merged.get(key)
            cost = tr.get("cost") if tr.get("cost") is not None else tr.get("amount")
            if j is None:
                merged[key] = {**tr, "records": [rid], "cost": cost, "participants": set(tr["participants"])}
                continue
            j["records"].append(rid)
            j["participants"] |= set(tr["participants"])
            if cost is not None and money.currency_of(tr.get("currency"), ctx.settings) == \
                    money.currency_of(j.get("currency"), ctx.settings):
                j["cost"] = (j.get("cost") or 0) + cost
            j["paid_by_government"] = j["paid_by_government"] and tr["paid_by_government"]
            if tr.get("in_plan") == 0:
                j["in_plan"] = 0
        out.extend((o, j) for _, j in sorted(merged.items(), key=lambda kv: kv[1]["records"][0]))
    return out


def _facts(ctx, every: list, home: str) -> list[tuple]:
    """``(official, journey, unit on its date, abroad, currency, duration, cost)`` of each journey, each fact
    worked out once (a register repeats a handful of countries and currencies over thousands of trips)."""
    s = ctx.settings
    where_of: dict = {}
    cur_of: dict = {}
    out = []
    for o, tr in every:
        units = ctx.units_of(o, tr.get("date"))
        country, currency = tr.get("country"), tr.get("currency")
        where = where_of.get(country)
        if where is None:
            where = where_of[country] = abroad(ctx, country, home)
        cur = cur_of.get(currency)
        if cur is None:
            cur = cur_of[currency] = money.currency_of(currency, s)
        cost = tr.get("cost") if tr.get("cost") is not None else tr.get("amount")
        out.append((o, tr, units[0] if units else None, where, cur, duration(tr), cost))
    return out


def _robust(values: list[float]):
    logs = [math.log(v) for v in values if v and v > 0]
    if not logs:
        return None
    med = statistics.median(logs)
    spread = max(1.4826 * statistics.median(abs(x - med) for x in logs), 0.1)
    return med, spread, len(logs)


@rule("travel_anomalies", "Travel anomalies", max_level="orange", order=35, validate=ranges(anomaly_z=(0, None), approval_expected_share=(0, 1)), paths=False, weight=3)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("travel_anomalies")
    s = ctx.settings
    facts = _facts(ctx, journeys(ctx), cfg["home_country"])
    groups: dict[tuple, dict[str, list[float]]] = defaultdict(lambda: {"duration": [], "cost": []})
    for _o, _tr, unit, where, cur, dur, cost in facts:
        for scope in ((unit, where), (None, where)):
            if dur:
                groups[scope]["duration"].append(dur)
            if cost:
                groups[(*scope, cur)]["cost"].append(cost)
    norms: dict = {}

    def norm(key, what):
        if (key, what) not in norms:
            vals = groups.get(key, {}).get(what, [])
            norms[(key, what)] = _robust(vals) if len(vals) >= s["scoring"]["min_sample"] else None
        return norms[(key, what)]

    abroad_trips = [tr for _, tr, _, where, *_ in facts if where]
    approved_share = (sum(1 for tr in abroad_trips if tr.get("approval_date") or tr.get("approver_id")
                          or tr.get("approver_unit_id")) / len(abroad_trips)) if abroad_trips else 0.0
    out = []
    for o, tr, unit, where, cur, dur, cost in facts:
        signals: list[tuple[str, dict]] = []
        for what, value, keys in (("duration", dur, [(unit, where), (None, where)]),
                                  ("cost", cost, [(unit, where, cur), (None, where, cur)])):
            if not value or value <= 0:
                continue
            for key in keys:
                nm = norm(key, what)
                if nm is None:
                    continue
                med, spread, n = nm
                z = (math.log(value) - med) / spread
                if z >= cfg["anomaly_z"]:
                    signals.append((what, {"value": value, "norm": round(math.exp(med), 2), "z": round(z, 2),
                                           "currency": cur if what == "cost" else None,
                                           "n": n, "scope": "unit" if key[0] else "all units",
                                           "abroad": where}))
                break  # the narrowest scope with enough trips decides
        if tr.get("paid_by_government"):
            rel = sorted(p for p in tr["participants"] if ctx.kind(p) != "official" and is_related(ctx, o, p))
            if rel:
                signals.append(("relative", {"people": rel}))
        if tr.get("in_plan") == 0:
            signals.append(("outside_plan", {}))
        late = days(tr.get("date"), tr.get("approval_date"))
        if late is not None and late > 0:
            signals.append(("approved_late", {"days_after_start": late}))
        elif where and approved_share >= cfg["approval_expected_share"] and not (
                tr.get("approval_date") or tr.get("approver_id") or tr.get("approver_unit_id")):
            signals.append(("no_approval", {"share_with_approval": round(approved_share, 3)}))
        if not signals:
            continue
        strength = min(1.0, 0.35 * len(signals))
        parts = {lang: "; ".join(_words(ctx, kind, info, lang) for kind, info in signals) for lang in LANGS}
        summaries = {lang: t("rules.travel_anomalies.summary", lang, official=ctx.name(o), trip=tr["record_id"],
                             destination=tr.get("destination") or tr.get("country") or "?",
                             date=fmt_date(tr.get("date"), lang), signals=parts[lang]) for lang in LANGS}
        ties = {d["record_id"] for kind, info in signals for p in info.get("people", ())
                for d in ctx.between(p, o) + ctx.between(o, p) if d["kind"] in ("family", "associate")}
        evidence = sorted(set(tr["records"]) | ties)
        out.append(Finding(o, Reason(
            rule="travel_anomalies", score=band(s, "yellow", strength), summary=summaries["en"],
            summaries=summaries, evidence=evidence, path=[o] + [p for k, i in signals for p in i.get("people", [])],
            latest_date=tr.get("end_date") or tr.get("date"),
            metadata={"trip_id": tr["record_id"], "records": list(tr["records"]),
                      "signals": {k: i for k, i in signals}})))
    return out


def _words(ctx, kind: str, info: dict, lang: str) -> str:
    if kind in ("duration", "cost"):
        money_ = kind == "cost"
        value = fmt_money(info["value"], info.get("currency"), lang) if money_ else f"{info['value']:,.0f}"
        norm = fmt_money(info["norm"], info.get("currency"), lang) if money_ else f"{info['norm']:,.0f}"
        return t(f"rules.travel_anomalies.{kind}", lang, value=value, norm=norm,
                 z=f"{info['z']:.1f}", n=info["n"],
                 scope=t(f"rules.travel_anomalies.scope_{'unit' if info['scope'] == 'unit' else 'all'}", lang),
                 where=t(f"rules.travel_anomalies.{'abroad' if info['abroad'] else 'home'}", lang))
    if kind == "relative":
        sep = "、" if lang == "zh" else ", "
        return t("rules.travel_anomalies.relative", lang, people=sep.join(ctx.name(p) for p in info["people"]))
    if kind == "approved_late":
        return t("rules.travel_anomalies.approved_late", lang, days=info["days_after_start"])
    if kind == "no_approval":
        return t("rules.travel_anomalies.no_approval", lang, share=f"{info['share_with_approval']:.0%}")
    return t("rules.travel_anomalies.outside_plan", lang)
