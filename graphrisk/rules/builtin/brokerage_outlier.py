"""Brokerage outlier: an official bridging unusually many companies (weak alone; never red by itself)."""
from __future__ import annotations

from ...findings import Reason
from .. import Finding, rule
from ._fence import iqr_fence


def _brokerage(G) -> dict[str, float]:
    try:
        from ...analysis.centrality import brokerage
    except ImportError:  # the centrality module is optional for the rules
        brokerage = None
    if brokerage is not None:
        return brokerage(G)
    out = {}
    for n, d in G.nodes(data=True):
        if d.get("kind") == "official":
            nbrs = set(G.successors(n)) | set(G.predecessors(n))
            out[n] = float(sum(1 for m in nbrs if G.nodes[m].get("kind") == "company"))
    return out


@rule("brokerage_outlier", "Brokerage outlier", max_level="yellow", order=40)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("brokerage_outlier")
    values = ctx.extra.get("brokerage") or _brokerage(ctx.G)
    ctx.extra["brokerage"] = values
    nonzero = [v for v in values.values() if v > 0]
    fence = iqr_fence(nonzero, cfg["iqr_k"])
    if fence is None:
        return []
    fence = max(fence, cfg["min_value"])
    ctx.extra["brokerage_fence"] = fence
    out = []
    for oid, v in sorted(values.items()):
        if v > fence and oid in ctx.G:
            out.append(Finding(oid, Reason(
                rule="brokerage_outlier", score=cfg["score"],
                summary=f"{ctx.name(oid)} bridges {v:g} companies, above the fence of {fence:.1f} "
                        f"(IQR fence over {len(nonzero)} officials)",
                evidence=[], path=[oid])))
    return out
