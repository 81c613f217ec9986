"""Undeclared or excessive gifts: an undeclared gift over a value, or gifts from one source over a yearly total."""
from __future__ import annotations

from collections import defaultdict

from ...findings import Reason
from .. import Finding, rule


@rule("gifts_excessive", "Undeclared or excessive gifts", order=30)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("gifts_excessive")
    G = ctx.G
    out = []
    yearly: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for u, v, k, d in ctx.edges("gift"):
        if G.nodes[v].get("kind") != "official":
            continue
        value = d.get("amount") or 0.0
        if d.get("declared") == 0 and value >= cfg["undeclared_value"]:
            sev = cfg["undeclared_score"] + (cfg["large_bonus"] if value >= cfg["large_value"] else 0)
            out.append(Finding(v, Reason(
                rule="gifts_excessive", score=sev,
                summary=f"{ctx.name(v)} did not declare a gift of {value:,.0f} {d.get('currency') or ''} "
                        f"from {ctx.name(u)} on {d.get('date')} (gift {d['record_id']})",
                evidence=[d["record_id"]], path=[v, u], latest_date=d.get("date"),
                company_id=u if G.nodes[u].get("kind") == "company" else None)))
        if d.get("date"):
            yearly[(v, u, d["date"][:4])].append(d)
    for (oid, giver, year), gifts in sorted(yearly.items()):
        total = sum(g.get("amount") or 0.0 for g in gifts)
        if len(gifts) < 2 or total < cfg["yearly_total"]:
            continue
        out.append(Finding(oid, Reason(
            rule="gifts_excessive", score=cfg["yearly_score"],
            summary=f"{ctx.name(oid)} received {len(gifts)} gifts worth {total:,.0f} in {year} from "
                    f"{ctx.name(giver)} (over the yearly total of {cfg['yearly_total']:,.0f})",
            evidence=sorted(g["record_id"] for g in gifts), path=[oid, giver],
            latest_date=max(g["date"] for g in gifts))))
    return out
