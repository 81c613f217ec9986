"""Gift before contract: a gift from a supplier, its owner or representative, or their relative, then an award."""
from __future__ import annotations

from .. import Finding, rule
from ._common import OWNER_ROLES, chain, claimed, per_pair

# Who gave, as the private chain after the gift: the supplier itself, one of its owners or
# representatives, or a relative of one of them.
GIVER_CHAINS = {()} | {(r,) for r in OWNER_ROLES} | {("family", r) for r in OWNER_ROLES}


@rule("gift_before_contract", "Gift before contract", order=10)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("gift_before_contract")
    matches = []
    for p in ctx.paths:
        kinds = chain(p)
        first = p.private_edges[0]
        if kinds[0] != "gift" or first.target != p.official_id or tuple(kinds[1:]) not in GIVER_CHAINS:
            continue
        if p.gap_days is None or not 0 <= p.gap_days <= cfg["window_days"]:
            continue
        value = first.amount or 0.0
        declared = first.detail.get("declared")
        if value < cfg["min_value"] or (declared == 1 and value < cfg["declared_min_value"]):
            continue
        sev = cfg["base"]
        sev += cfg["approved_bonus"] if p.approved_personally else 0
        sev += cfg["undeclared_bonus"] if declared == 0 else 0
        sev += cfg["large_gift_bonus"] if value >= cfg["large_gift"] else 0
        sev -= cfg["relative_giver_penalty"] if kinds[1:2] == ["family"] else 0
        matches.append((p, sev))
    return per_pair("gift_before_contract", matches, claimed(ctx))
