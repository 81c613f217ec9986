"""Undeclared or excessive gifts: an undeclared gift to an official above the register's usual gifts, or
gifts from one source in a year adding up to more than an unusual single gift.

Fences come from the register's own gift amounts in the same currency (robust z-scores), or from
settings in the base currency; with too few gifts to judge, from stated presets. A signal with no
decision tied to it: yellow.
"""
from __future__ import annotations

from collections import defaultdict

from ...findings import Reason
from ...i18n import LANGS, fmt_date, fmt_money, t
from .. import Finding, rule
from ..scale import band, scales_of, threshold
from ._common import ranges


@rule("gifts_excessive", "Undeclared or excessive gifts", max_level="orange", order=30, validate=ranges(undeclared_z=(0, None), yearly_z=(0, None), undeclared_value=(0, None), yearly_total=(0, None)), paths=False, weight=2)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("gifts_excessive")
    sc = scales_of(ctx)
    out = []
    fences: dict = {}

    def fence(which: str, cur):
        if (which, cur) not in fences:
            if which == "undeclared":
                fences[(which, cur)] = threshold(ctx, "gift", cur, setting=cfg["undeclared_value"],
                                                 z=cfg["undeclared_z"], fallback=cfg["fallback_undeclared_value"])
            else:
                fences[(which, cur)] = threshold(ctx, "gift", cur, setting=cfg["yearly_total"], z=cfg["yearly_z"],
                                                 fallback=cfg["fallback_yearly_total"])
        return fences[(which, cur)]

    yearly: dict[tuple, list[dict]] = defaultdict(list)
    for u, v, k, d in ctx.edges("gift"):
        if ctx.kind(v) != "official":
            continue
        value = d.get("amount") or 0.0
        cur = d.get("currency")
        f = fence("undeclared", cur)
        if d.get("declared") == 0 and f.value is not None and value > f.value:
            z = sc.z("gift", value, cur)
            strength = 0.5 if z is None else min(1.0, max(0.0, (z - cfg["undeclared_z"]) / 3))
            summaries = {lang: t("rules.gifts_excessive.undeclared", lang, official=ctx.name(v),
                                 amount=fmt_money(value, cur, lang), giver=ctx.name(u),
                                 date=fmt_date(d.get("date"), lang), gift=d["record_id"],
                                 threshold=f.words()[lang]) for lang in LANGS}
            out.append(Finding(v, Reason(
                rule="gifts_excessive", score=band(ctx.settings, "yellow", strength), summary=summaries["en"],
                summaries=summaries, evidence=[d["record_id"]], path=[v, u], latest_date=d.get("date"),
                company_id=u if ctx.kind(u) == "company" else None, metadata={"threshold": f.meta()})))
        if d.get("date"):
            yearly[(v, u, d["date"][:4], (cur or "").upper())].append(d)
    for (oid, giver, year, cur), gifts in sorted(yearly.items()):
        total = sum(g.get("amount") or 0.0 for g in gifts)
        f = fence("yearly", cur or None)
        if len(gifts) < 2 or f.value is None or total < f.value:
            continue
        summaries = {lang: t("rules.gifts_excessive.yearly", lang, official=ctx.name(oid), n=len(gifts),
                             total=fmt_money(total, cur or None, lang), year=year, giver=ctx.name(giver),
                             threshold=f.words()[lang]) for lang in LANGS}
        out.append(Finding(oid, Reason(
            rule="gifts_excessive", score=band(ctx.settings, "yellow", 0.5), summary=summaries["en"],
            summaries=summaries, evidence=sorted(g["record_id"] for g in gifts), path=[oid, giver],
            latest_date=max(g["date"] for g in gifts), metadata={"threshold": f.meta()})))
    return out
