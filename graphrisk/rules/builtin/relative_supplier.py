"""Relative or associate tied to a supplier: a family member (or associate) holds shares or a role in it."""
from __future__ import annotations

from .. import Finding, rule
from ._common import ROLES, chain, claimed, per_pair


@rule("relative_supplier", "Relative or associate tied to a supplier", order=10)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("relative_supplier")
    role_score = cfg["role_scores"]
    matches = []
    for p in ctx.paths:
        kinds = chain(p)
        if len(kinds) != 2 or kinds[0] not in ("family", "associate") or kinds[1] not in ROLES:
            continue
        tie, role = p.private_edges
        sev = role_score[kinds[1]]
        if kinds[1] == "shareholder" and (role.detail.get("share_pct") or 100) < cfg["min_share_pct"]:
            sev *= cfg["small_share_factor"]
        if kinds[0] == "associate":
            sev *= cfg["associate_factor"]
        sev += cfg["approved_bonus"] if p.approved_personally else 0
        matches.append((p, sev))
    return per_pair("relative_supplier", matches, claimed(ctx))
