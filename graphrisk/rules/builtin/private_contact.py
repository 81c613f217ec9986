"""Private contact before award: dinners or meetings with a supplier's people in the window before an award."""
from __future__ import annotations

from ...graph import is_private_channel
from .. import Finding, rule
from ._common import OWNER_ROLES, chain, claimed, per_pair


@rule("private_contact", "Private contact before award", order=20)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("private_contact")
    done = claimed(ctx)
    matches = []
    for p in ctx.paths:
        if p.path_id in done:
            continue
        kinds = chain(p)
        first = p.private_edges[0]
        if kinds[0] != "contact" or tuple(kinds[1:]) not in {()} | {(r,) for r in OWNER_ROLES}:
            continue
        if p.gap_days is None or not 0 <= p.gap_days <= cfg["window_days"]:
            continue
        private = is_private_channel(first.detail.get("channel"))
        sev = cfg["private_score"] if private else cfg["repeated_office_score"]
        sev += cfg["approved_bonus"] if p.approved_personally else 0
        matches.append((p, sev))
    return per_pair("private_contact", matches, done)
