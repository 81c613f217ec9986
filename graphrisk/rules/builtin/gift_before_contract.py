"""Gift before (or soon after) a decision: a gift from a supplier (or beneficiary), its owner or representative, or their
relative, to the official or to a specific related person of the official (特定关系人), then an award or
decision in the supplier's favour.

Which gifts count comes from the register's own gifts (same currency): courtesy-level gifts (at or
below ``trivial_quantile``) never; declared gifts only when unusually large (robust z ≥
``declared_z``). Settings in the base currency replace either fence.
"""
from __future__ import annotations

from .. import Finding, rule
from ..scale import threshold
from ._common import OWNER_ROLES, benefit_at, ceiling, chain, claimed, per_pair, ranges

# Who gave, as the private chain after the gift: the supplier itself, one of its owners or
# representatives, or a relative of one of them.
GIVER_CHAINS = {()} | {(r,) for r in OWNER_ROLES} | {("family", r) for r in OWNER_ROLES}


def gift_fences(ctx, cfg: dict, currency: str | None):
    """(counting fence, declared fence) for gifts in ``currency``, each a scale.Fence."""
    key = ("gift_fences", currency)
    if key not in ctx.extra:
        ctx.extra[key] = (
            threshold(ctx, "gift", currency, setting=cfg["min_value"], quantile=cfg["trivial_quantile"],
                      fallback=cfg["fallback_min_value"]),
            threshold(ctx, "gift", currency, setting=cfg["declared_min_value"], z=cfg["declared_z"],
                      fallback=cfg["fallback_declared_min_value"]))
    return ctx.extra[key]


@rule("gift_before_contract", "Gift before contract or decision", order=10, validate=ranges(window_days=(0, None), trivial_quantile=(0, 1), declared_z=(0, None), min_value=(0, None), declared_min_value=(0, None), fallback_min_value=(0, None), fallback_declared_min_value=(0, None)))
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("gift_before_contract")
    matches, meta = [], {}
    done = claimed(ctx)
    for p in ctx.paths:
        if p.path_id in done:  # explained by a more specific rule (approval_power)
            continue
        hit = benefit_at(p, "gift")
        if hit is None:
            continue
        i, gift = hit
        if tuple(chain(p)[i + 1:]) not in GIVER_CHAINS:
            continue
        if p.gap_days is None or abs(p.gap_days) > cfg["window_days"]:
            continue
        value = gift.amount or 0.0
        declared = gift.detail.get("declared")
        counting, declared_fence = gift_fences(ctx, cfg, gift.currency)
        fence = declared_fence if declared == 1 else counting
        if fence.value is None or value <= fence.value:
            continue
        # red for a gift before a decision of the official's own; each weakening one level less. A declared
        # gift counts only when unusually large, and then the declaration lowers its strength, not its kind.
        matches.append((p, ceiling(not p.approved_personally, p.gap_days < 0)))
        meta[p.path_id] = {"threshold": fence.meta(), "via_related_person": i == 1,
                           "declared": declared, "_words": fence.words()}
    return per_pair("gift_before_contract", matches, claimed(ctx), ctx=ctx, meta=meta)
