"""Helpers shared by the path-based rules: one finding per (official, company), evidence from every path."""
from __future__ import annotations

from collections import defaultdict

from ...findings import ConflictPath, Reason
from .. import Finding

ROLES = ("shareholder", "legal_representative", "director", "manager", "employee")
OWNER_ROLES = ("shareholder", "legal_representative", "director")
SOCIAL = ("associate",)


def chain(p: ConflictPath) -> list[str]:
    """Edge kinds of the private part of a path, from the official outwards."""
    return [e.kind for e in p.private_edges]


def per_pair(rule_id: str, matches: list[tuple[ConflictPath, float]], claimed: set | None = None) -> list[Finding]:
    """Keep the strongest path per (official, company); the finding cites the records of all of them."""
    groups: dict[tuple[str, str], list[tuple[ConflictPath, float]]] = defaultdict(list)
    for p, sev in matches:
        groups[(p.official_id, p.company_id)].append((p, sev))
        if claimed is not None:
            claimed.add(p.path_id)
    out = []
    for (oid, cid), items in sorted(groups.items()):
        items.sort(key=lambda t: (-t[1], t[0].path_id))
        best, sev = items[0]
        evidence = sorted({rid for p, _ in items for rid in p.record_ids()})
        summary = best.explanation
        others = sorted({p.decision.record_id for p, _ in items} - {best.decision.record_id})
        if others:
            summary += f" (and {len(others)} more award(s) to the same supplier: {', '.join(others[:5])})"
        out.append(Finding(oid, Reason(rule=rule_id, score=round(min(sev, 100.0), 2), summary=summary,
                                       evidence=evidence, path=list(best.nodes), path_id=best.path_id,
                                       company_id=cid, latest_date=max(p.latest_date or "" for p, _ in items)
                                       or None)))
    return out


def claimed(ctx) -> set:
    return ctx.extra.setdefault("claimed_paths", set())
