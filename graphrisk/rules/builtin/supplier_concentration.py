"""Supplier concentration: one supplier takes most of what an official approves, or single-source awards
above a fence (from settings, else derived from the data and reported)."""
from __future__ import annotations

from collections import defaultdict

from ...findings import Reason
from .. import Finding, rule
from ..scale import band
from ._fence import iqr_fence


@rule("supplier_concentration", "Supplier concentration", max_level="orange", order=30)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("supplier_concentration")
    approved: dict[str, list[dict]] = defaultdict(list)
    single: list[dict] = []
    for u, v, k, d in ctx.edges("approved"):
        approved[u].append({**d, "supplier": v})
    for u, v, k, d in ctx.edges("contract"):
        if d.get("method") == "single_source" and d.get("amount"):
            single.append({**d, "supplier": v})
    out = []
    for oid, awards in sorted(approved.items()):
        if len(awards) < cfg["min_contracts"]:
            continue
        by_supplier: dict[str, float] = defaultdict(float)
        for a in awards:
            by_supplier[a["supplier"]] += a.get("amount") or 0.0
        total = sum(by_supplier.values())
        top, amount = min(by_supplier.items(), key=lambda t: (-t[1], t[0]))
        if total > 0 and amount / total >= cfg["share"]:
            ids = sorted(a["record_id"] for a in awards if a["supplier"] == top)
            out.append(Finding(oid, Reason(
                rule="supplier_concentration", score=band(ctx.settings, "yellow", 0.4),
                summary=f"{amount / total:.0%} of the {total:,.0f} {ctx.name(oid)} approved in {len(awards)} "
                        f"contracts went to {ctx.name(top)} ({len(ids)} contracts)",
                evidence=ids, path=[oid, top], company_id=top,
                latest_date=max(a["date"] for a in awards if a["supplier"] == top))))
    fence = cfg["single_source_threshold"] or iqr_fence([a["amount"] for a in single], cfg["iqr_k"])
    source = "settings" if cfg["single_source_threshold"] else "IQR fence of the data"
    ctx.extra["single_source_fence"] = {"value": fence, "source": source}
    if fence:
        above: dict[str, list[dict]] = defaultdict(list)
        for a in single:
            if a["amount"] > fence and ctx.kind(a.get("approver_id")) == "official":
                above[a["approver_id"]].append(a)
        for oid, awards in sorted(above.items()):
            awards.sort(key=lambda a: a["record_id"])
            listed = ", ".join(f"{a['record_id']} {a['amount']:,.0f}" for a in awards[:5])
            out.append(Finding(oid, Reason(
                rule="supplier_concentration", score=band(ctx.settings, "yellow", 0.0),
                summary=f"{ctx.name(oid)} approved {len(awards)} single-source award(s) above "
                        f"{fence:,.0f} ({source}): {listed}",
                evidence=[a["record_id"] for a in awards], path=[oid, awards[0]["supplier"]],
                company_id=awards[0]["supplier"], latest_date=max(a["date"] for a in awards))))
    return out
