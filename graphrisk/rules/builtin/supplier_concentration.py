"""Supplier concentration: one supplier takes most of what an official approved, or single-source awards
above a fence (from settings, else derived from the register's single-source awards in the same
currency, and reported). Yellow signals; orange at most alone."""
from __future__ import annotations

from collections import defaultdict

from ... import money
from ...findings import Reason
from ...i18n import LANGS, fmt_money, t
from .. import Finding, rule
from ..scale import band
from ._common import ranges
from ._fence import iqr_fence


@rule("supplier_concentration", "Supplier concentration", max_level="orange", order=30, validate=ranges(min_contracts=(1, None), share=(0, 1), single_source_threshold=(0, None), iqr_k=(0, None)), paths=False, weight=2)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("supplier_concentration")
    s = ctx.settings
    approved: dict[tuple[str, str], list[dict]] = defaultdict(list)
    single: dict[str, list[dict]] = defaultdict(list)
    for u, v, k, d in ctx.edges("approved"):
        approved[(u, money.currency_of(d.get("currency"), s))].append(_award(d, v))
    for u, v, k, d in ctx.edges("contract"):
        if d.get("method") == "single_source" and d.get("amount"):
            single[money.currency_of(d.get("currency"), s)].append(_award(d, v))
    out = []
    for (oid, cur), awards in sorted(approved.items()):
        if len(awards) < cfg["min_contracts"]:
            continue
        by_supplier: dict[str, float] = defaultdict(float)
        for a in awards:
            by_supplier[a["supplier"]] += a.get("amount") or 0.0
        total = sum(by_supplier.values())
        top, amount = min(by_supplier.items(), key=lambda x: (-x[1], x[0]))
        if total > 0 and amount / total >= cfg["share"]:
            ids = sorted(a["record_id"] for a in awards if a["supplier"] == top)
            summaries = {lang: t("rules.supplier_concentration.share", lang, share=f"{amount / total:.0%}",
                                 total=fmt_money(total, cur, lang), official=ctx.name(oid), n=len(awards),
                                 supplier=ctx.name(top), k=len(ids)) for lang in LANGS}
            out.append(Finding(oid, Reason(
                rule="supplier_concentration", score=band(s, "yellow", 0.4), summary=summaries["en"],
                summaries=summaries, evidence=ids, path=[oid, top], company_id=top,
                latest_date=max(a["date"] for a in awards if a["supplier"] == top),
                metadata={"share": round(amount / total, 4), "threshold": {"value": cfg["share"], "source": "settings"}})))
    for cur, awards_all in sorted(single.items()):
        if cfg["single_source_threshold"]:
            fence, source = money.from_base(cfg["single_source_threshold"], cur, s), "settings"
        else:
            fence, source = iqr_fence([a["amount"] for a in awards_all], cfg["iqr_k"]), "data"
        ctx.extra.setdefault("single_source_fence", {})[cur] = {"value": fence, "source": source}
        if not fence:
            continue
        above: dict[str, list[dict]] = defaultdict(list)
        for a in awards_all:
            if a["amount"] > fence and ctx.kind(a.get("approver_id")) == "official":
                above[a["approver_id"]].append(a)
        for oid, awards in sorted(above.items()):
            awards.sort(key=lambda a: a["record_id"])
            listed = ", ".join(f"{a['record_id']} {a['amount']:,.0f}" for a in awards[:5])
            src = {lang: t(f"rules.supplier_concentration.source_{source}", lang) for lang in LANGS}
            summaries = {lang: t("rules.supplier_concentration.single_source", lang, official=ctx.name(oid),
                                 n=len(awards), fence=fmt_money(fence, cur, lang), source=src[lang], listed=listed)
                         for lang in LANGS}
            out.append(Finding(oid, Reason(
                rule="supplier_concentration", score=band(s, "yellow", 0.0), summary=summaries["en"],
                summaries=summaries, evidence=[a["record_id"] for a in awards], path=[oid, awards[0]["supplier"]],
                company_id=awards[0]["supplier"], latest_date=max(a["date"] for a in awards),
                metadata={"threshold": {"value": round(fence, 2), "currency": cur, "source": source,
                                        "basis": src["en"], "bases": src}})))
    return out


def _award(d, supplier) -> dict:
    """What the rule reads of an award edge (copying all its attributes: about 1.5 s, profiled, at scale 50)."""
    return {"supplier": supplier, "amount": d.get("amount"), "record_id": d.get("record_id"), "date": d.get("date"),
            "approver_id": d.get("approver_id")}
