"""Relative or associate tied to a supplier: a family member (or close associate) holds shares or a role in it.

Also the official's own stake or role in a supplier of their unit (a one-step tie). Ties that had
ended before the award do not count. A controlling stake or role of the official or their family in
a supplier of a decision the official took part in is red; each weakening (a small stake, a weaker
role such as manager or employee, a close associate instead of family, a decision of the unit
only) lowers the ceiling one level: one gives orange, two or more yellow.
"""
from __future__ import annotations

from .. import Finding, rule
from ._common import ROLES, chain, claimed, per_pair, ranges


def ended_before_award(p) -> bool:
    award = p.decision.date
    return bool(award) and any((e.detail.get("end_date") or "9999") < award for e in p.private_edges)


@rule("relative_supplier", "Relative or associate tied to a supplier", order=10, validate=ranges(min_share_pct=(0, 100)))
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("relative_supplier")
    matches, meta = [], {}
    for p in ctx.paths:
        kinds = chain(p)
        own = len(kinds) == 1 and kinds[0] in ROLES and p.private_edges[0].source == p.official_id
        related = len(kinds) == 2 and kinds[0] in ("family", "associate") and kinds[1] in ROLES
        if not (own or related) or ended_before_award(p):
            continue
        role = p.private_edges[-1]
        small = kinds[-1] == "shareholder" and (role.detail.get("share_pct") or 100) < cfg["min_share_pct"]
        weaker = [small, kinds[-1] not in cfg["controlling_roles"], kinds[0] == "associate",
                  not p.approved_personally]
        matches.append((p, ("red", "orange", "yellow", "yellow", "yellow")[sum(weaker)]))
        meta[p.path_id] = {"role": kinds[-1], "share_pct": role.detail.get("share_pct"),
                           "through": "own" if own else kinds[0], "min_share_pct": cfg["min_share_pct"]}
    return per_pair("relative_supplier", matches, claimed(ctx), ctx=ctx, meta=meta)
