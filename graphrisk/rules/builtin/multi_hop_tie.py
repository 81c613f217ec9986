"""Multi-hop tie: a conflict path of two or more private hops that no more specific rule explains."""
from __future__ import annotations

from .. import Finding, rule
from ._common import claimed, per_pair


@rule("multi_hop_tie", "Multi-hop tie to a supplier", order=90)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("multi_hop_tie")
    done = claimed(ctx)
    matches = []
    for p in ctx.paths:
        if p.path_id in done or p.hops < cfg["min_hops"] or p.score < cfg["min_path_score"]:
            continue
        sev = min(cfg["max_score"], cfg["base"] + p.score * cfg["path_score_weight"])
        matches.append((p, sev))
    return per_pair("multi_hop_tie", matches, done)
