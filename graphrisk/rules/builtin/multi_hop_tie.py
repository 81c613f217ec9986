"""Multi-hop tie: a conflict path of two or more private hops that no more specific rule explains.

A signal (yellow at most on its own): its score is the path's strength on the one scale, capped
at the top of the yellow band.
"""
from __future__ import annotations

from .. import Finding, rule
from ..scale import strengths
from ._common import claimed, per_pair, ranges


@rule("multi_hop_tie", "Multi-hop tie to a supplier", order=90, validate=ranges(min_hops=(2, None)))
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("multi_hop_tie")
    done = claimed(ctx)
    strength = strengths(ctx)
    floor = ctx.settings["scoring"]["yellow"]  # a chain too weak to be a signal is not reported
    matches = [(p, "yellow") for p in ctx.paths
               if p.path_id not in done and p.hops >= cfg["min_hops"] and strength[p.path_id] >= floor]
    return per_pair("multi_hop_tie", matches, done, ctx=ctx)
