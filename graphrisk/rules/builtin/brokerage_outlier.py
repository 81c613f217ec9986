"""Brokerage outlier: an official bridging unusually many companies (weak alone; never red by itself)."""
from __future__ import annotations

from ...findings import Reason
from ...i18n import LANGS, t
from .. import Finding, rule
from ._common import ranges
from ._fence import iqr_fence


def _brokerage(ctx) -> dict[str, float]:
    """Companies each official bridges: the centrality module's measure when it can read the engine's
    graph, else the count of companies tied to the official directly (through the Context)."""
    try:
        from ...analysis.centrality import brokerage

        return brokerage(ctx.G)
    except (ImportError, AttributeError, TypeError):  # a compact engine graph the module cannot read
        pass
    return {o: float(sum(1 for m in ctx.neighbours(o) if ctx.kind(m) == "company")) for o in ctx.officials()}


@rule("brokerage_outlier", "Brokerage outlier", max_level="yellow", order=40, validate=ranges(iqr_k=(0, None), min_value=(0, None), score=(0, 100)), paths=False, weight=3)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("brokerage_outlier")
    values = ctx.extra.get("brokerage") or _brokerage(ctx)
    ctx.extra["brokerage"] = values
    nonzero = [v for v in values.values() if v > 0]
    fence = iqr_fence(nonzero, cfg["iqr_k"])
    if fence is None:
        return []
    fence = max(fence, cfg["min_value"])
    ctx.extra["brokerage_fence"] = fence
    out = []
    for oid, v in sorted(values.items()):
        if v > fence and ctx.kind(oid) == "official":
            summaries = {lang: t("rules.brokerage_outlier.summary", lang, official=ctx.name(oid), v=f"{v:g}",
                                 fence=f"{fence:.1f}", n=len(nonzero)) for lang in LANGS}
            out.append(Finding(oid, Reason(
                rule="brokerage_outlier", score=cfg["score"], summary=summaries["en"], summaries=summaries,
                evidence=[], path=[oid], metadata={"threshold": {"value": round(fence, 2), "source": "data",
                                                                 "basis": f"IQR fence over {len(nonzero)} officials"}})))
    return out
