"""Helpers shared by the path-based rules: one finding per (official, company), evidence from every path.

A path-based finding scores ``min(ceiling, strength)``: the rule says how high its kind of finding
may go (a level's band, docs/scoring.md) and the path's strength on the one scale
(:func:`graphrisk.rules.scale.path_strength`) says how high this one goes.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from ...findings import ConflictPath, Reason
from ...i18n import LANGS, t
from .. import Finding
from ..scale import level_ceiling, strengths

ROLES = ("shareholder", "legal_representative", "director", "manager", "employee")
OWNER_ROLES = ("shareholder", "legal_representative", "director")
SOCIAL = ("associate",)
# 特定关系人: the official's family and close associates; a benefit to them is a benefit to the official.
RELATED = ("family", "associate")


def ranges(**bounds):
    """A settings validator for ``rule(validate=...)``: each key within (low, high), either may be None.

    >>> ranges(share=(0, 1))({"share": 1.5})
    'share must be at most 1 (got 1.5)'
    """
    def check(section: dict) -> str | None:
        for key, (low, high) in bounds.items():
            v = section.get(key)
            if v is None:
                continue
            if low is not None and v < low:
                return f"{key} must be at least {low:g} (got {v:g})"
            if high is not None and v > high:
                return f"{key} must be at most {high:g} (got {v:g})"
        return None
    return check


def chain(p: ConflictPath) -> list[str]:
    """Edge kinds of the private part of a path, from the official outwards."""
    return [e.kind for e in p.private_edges]


def via_related(p: ConflictPath) -> bool:
    """The path's first hop is a specific related person (spouse, child, relative, close associate)."""
    kinds = chain(p)
    return len(kinds) >= 2 and kinds[0] in RELATED and p.nodes[1] not in (p.official_id, p.company_id)


def benefit_at(p: ConflictPath, kind: str):
    """``(index, edge)`` of the benefit of ``kind`` received by the official or by a specific related
    person of theirs (the path's first hop), or None."""
    kinds = chain(p)
    if kinds and kinds[0] == kind and p.private_edges[0].target == p.official_id:
        return 0, p.private_edges[0]
    if via_related(p) and kinds[1] == kind and p.private_edges[1].target == p.nodes[1]:
        return 1, p.private_edges[1]
    return None


def ceiling(*weakenings: bool) -> str:
    """The level a conflict finding may reach: red with no weakening, orange with one, yellow with more
    (docs/scoring.md: a decision of the unit only, a benefit after the decision, a declared gift, ...)."""
    return ("red", "orange", "yellow")[min(sum(bool(w) for w in weakenings), 2)]


@lru_cache(maxsize=65536)
def _norm(word: str) -> str:
    return "".join(ch for ch in str(word).lower() if ch not in " _-/（）()")


@lru_cache(maxsize=65536)
def _contains_any(value: str, words: tuple) -> bool:
    v = _norm(value)
    return any(_norm(w) and _norm(w) in v for w in words)


def matches_vocabulary(value, words) -> bool:
    """Whether a register's word (a method, a decision type) contains one of ``words``, ignoring case,
    spaces, underscores and hyphens: "competitive_negotiation" and "Competitive negotiation" both
    contain "negotiat"; "因公出国（境）审批" contains "出国"."""
    if not value:
        return False
    return _contains_any(str(value), tuple(words))


def decision_words(p: ConflictPath) -> str:
    return "decision" if p.decision.kind in ("decision", "decided") else "award"


def per_pair(rule_id: str, matches: list[tuple[ConflictPath, float]], claimed: set | None = None,
             ctx=None, meta: dict | None = None) -> list[Finding]:
    """Keep the strongest path per (official, company); the finding cites the records of all of them.

    ``matches`` pair a path with the rule's ceiling for it (a score, or a level name). With ``ctx``
    the finding scores ``min(ceiling, path strength)``; ``meta`` adds metadata per path id.
    """
    strength = strengths(ctx) if ctx is not None else {}
    groups: dict[tuple[str, str], list[tuple[ConflictPath, float]]] = defaultdict(list)
    for p, sev in matches:
        if isinstance(sev, str):
            sev = level_ceiling(ctx.settings, sev)
        if ctx is not None:
            sev = min(sev, strength.get(p.path_id, sev))
        groups[(p.official_id, p.company_id)].append((p, sev))
        if claimed is not None:
            claimed.add(p.path_id)
    out = []
    for (oid, cid), items in sorted(groups.items()):
        items.sort(key=lambda t_: (-t_[1], t_[0].path_id))
        best, sev = items[0]
        evidence = sorted({rid for p, _ in items for rid in p.record_ids()})
        others = sorted({p.decision.record_id for p, _ in items} - {best.decision.record_id})
        md = {"path_strength": strength.get(best.path_id)} if ctx is not None else {}
        md.update((meta or {}).get(best.path_id, {}))
        words = md.pop("_words", None)
        summaries = {}
        for lang in LANGS:
            text = best.explanations.get(lang) or best.explanation
            if others:
                text += t("rules.common.more_awards", lang, n=len(others), ids=", ".join(others[:5]))
            if words:
                text += t("rules.common.threshold", lang, words=words[lang])
            summaries[lang] = text
        out.append(Finding(oid, Reason(rule=rule_id, score=round(min(sev, 100.0), 2), summary=summaries["en"],
                                       summaries=summaries, evidence=evidence, path=list(best.nodes),
                                       path_id=best.path_id, company_id=cid, metadata=md,
                                       latest_date=max(p.latest_date or "" for p, _ in items) or None)))
    return out


def claimed(ctx) -> set:
    return ctx.extra.setdefault("claimed_paths", set())
