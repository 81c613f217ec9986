"""Contract splitting: several direct awards to one supplier within D days, each just under the threshold."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from ...findings import Reason
from .. import Finding, rule


def _d(s: str) -> date:
    return date.fromisoformat(s[:10])


@rule("contract_splitting", "Contract splitting under the threshold", order=10)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("contract_splitting")
    G = ctx.G
    threshold = cfg["threshold"]
    floor = threshold * (1 - cfg["margin_pct"] / 100)
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for u, v, k, d in ctx.edges("contract"):
        if d.get("method") not in cfg["methods"] or not d.get("date"):
            continue
        if d.get("amount") is not None and floor <= d["amount"] < threshold:
            groups[(u, v)].append(d)
    out = []
    for (unit, supplier), awards in sorted(groups.items()):
        awards.sort(key=lambda d: (d["date"], d["record_id"]))
        clusters = []
        # maximal runs where every award is within window_days of the run's first award
        i = 0
        while i < len(awards):
            j = i
            while j + 1 < len(awards) and (_d(awards[j + 1]["date"]) - _d(awards[i]["date"])).days <= cfg["window_days"]:
                j += 1
            run = awards[i:j + 1]
            if len(run) >= cfg["min_awards"] and sum(a["amount"] for a in run) > threshold:
                clusters.append(run)
                i = j + 1
            else:
                i += 1
        for run in clusters:
            total = sum(a["amount"] for a in run)
            ids = [a["record_id"] for a in run]
            approvers = sorted({a.get("approver_id") for a in run if a.get("approver_id")})
            span = (_d(run[-1]["date"]) - _d(run[0]["date"])).days
            for oid in approvers:
                if oid not in G:
                    continue
                mine = [a for a in run if a.get("approver_id") == oid]
                sev = cfg["base"] + cfg["per_extra_award"] * (len(run) - cfg["min_awards"])
                if len(mine) < len(run):
                    sev *= cfg["shared_approval_factor"]
                amounts = ", ".join(f"{a['record_id']} {a['amount']:,.0f}" for a in run)
                out.append(Finding(oid, Reason(
                    rule="contract_splitting", score=round(min(sev, cfg["max_score"]), 2),
                    summary=(f"{len(run)} {'/'.join(sorted({a['method'] for a in run}))} awards from "
                             f"{ctx.name(unit)} to {ctx.name(supplier)} within {span} days, each under the "
                             f"{threshold:,.0f} threshold (within {cfg['margin_pct']:g}%), together {total:,.0f}; "
                             f"{ctx.name(oid)} approved {len(mine)} of them ({amounts})"),
                    evidence=ids, path=[oid, supplier], company_id=supplier, latest_date=run[-1]["date"])))
    return out
