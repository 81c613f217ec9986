"""Sponsored trip: travel paid by a company or private person; stronger when the sponsor supplies the unit."""
from __future__ import annotations

from ...findings import Reason
from .. import Finding, rule
from ._common import OWNER_ROLES, chain, claimed, per_pair


@rule("sponsored_trip", "Trip paid by a company or private person", order=10)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("sponsored_trip")
    G = ctx.G
    matches = []
    linked_trips = set()
    for p in ctx.paths:
        kinds = chain(p)
        first = p.private_edges[0]
        if kinds[0] != "trip_sponsor" or first.target != p.official_id:
            continue
        if tuple(kinds[1:]) not in {()} | {(r,) for r in OWNER_ROLES}:
            continue
        if p.gap_days is None or abs(p.gap_days) > cfg["window_days"]:
            continue
        sev = cfg["supplier_base"] + (cfg["approved_bonus"] if p.approved_personally else 0)
        if p.gap_days < 0:
            sev -= cfg["after_award_penalty"]
        matches.append((p, sev))
        linked_trips.add(first.record_id)
    out = per_pair("sponsored_trip", matches, claimed(ctx))
    for u, v, k, d in ctx.edges("trip_sponsor"):
        if d.get("government") or d["record_id"] in linked_trips:
            continue
        if G.nodes[v].get("kind") != "official" or G.nodes[u].get("kind") not in ("company", "person"):
            continue
        cost = f", {d['amount']:,.0f} {d.get('currency') or ''}".rstrip() if d.get("amount") else ""
        unit = G.nodes[v].get("unit_id")
        supplies = unit in G and any(e.get("kind") == "contract" for e in (G.get_edge_data(unit, u) or {}).values())
        tail = (f"the sponsor supplies the official's unit, but no award falls within {cfg['window_days']} days "
                f"of the trip" if supplies else "the sponsor has no contract with the official's unit on record")
        out.append(Finding(v, Reason(
            rule="sponsored_trip", score=cfg["unlinked_score"],
            summary=f"{ctx.name(u)} paid for the trip of {ctx.name(v)} to {d.get('destination')} "
                    f"starting {d.get('date')} (trip {d['record_id']}{cost}); {tail}",
            evidence=[d["record_id"]], path=[v, u], company_id=u if G.nodes[u].get("kind") == "company" else None,
            latest_date=d.get("date"))))
    return out
