"""Relative or associate tied to a supplier: a family member (or associate) holds shares or a role in it.

Also the official's own stake or role in a supplier of their unit (a one-step
tie). Ties that had ended before the award do not count.
"""
from __future__ import annotations

from .. import Finding, rule
from ._common import ROLES, chain, claimed, per_pair


def ended_before_award(p) -> bool:
    award = p.decision.date
    return bool(award) and any((e.detail.get("end_date") or "9999") < award for e in p.private_edges)


@rule("relative_supplier", "Relative or associate tied to a supplier", order=10)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("relative_supplier")
    role_score = cfg["role_scores"]
    matches = []
    for p in ctx.paths:
        kinds = chain(p)
        own = len(kinds) == 1 and kinds[0] in ROLES and p.private_edges[0].source == p.official_id
        related = len(kinds) == 2 and kinds[0] in ("family", "associate") and kinds[1] in ROLES
        if not (own or related) or ended_before_award(p):
            continue
        role = p.private_edges[-1]
        sev = role_score[kinds[-1]]
        if kinds[-1] == "shareholder" and (role.detail.get("share_pct") or 100) < cfg["min_share_pct"]:
            sev *= cfg["small_share_factor"]
        if kinds[0] == "associate":
            sev *= cfg["associate_factor"]
        if own:
            sev += cfg["own_interest_bonus"]
        sev += cfg["approved_bonus"] if p.approved_personally else 0
        matches.append((p, sev))
    return per_pair("relative_supplier", matches, claimed(ctx))
