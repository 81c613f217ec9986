"""Run the rules, combine findings into a 0-100 score per official, grade it, store the run.

Scores combine with diminishing returns: the strongest finding counts in
full, each next one fills half as much of what remains, so ten weak findings
never outweigh one strong one. A level is capped by the strongest rule's
``max_level`` (a brokerage outlier alone is never red).
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import collector
from .. import settings as settings_mod
from ..forking import Claims, Forked, can_fork
from ..analysis.paths import PathIndex, find_paths
from ..findings import LEVEL_RANK, LEVELS, ConflictPath, OfficialFlag, Reason
from . import Context, Finding, load_builtin

if TYPE_CHECKING:  # networkx is loaded where a function calls it: the engine's graph needs none of it
    import networkx as nx


@dataclass
class Evaluation:
    """Flags and paths of one evaluation, with what it was computed on."""

    flags: list[OfficialFlag]  # every official with a finding, sorted by score; green ones included
    paths: list[ConflictPath]  # shown paths and every path a finding cites, strongest first
    G: object | None  # the graph it ran on (None when loaded from the store)
    settings: dict
    as_of: str | None
    seconds: float
    run_id: int | None = None
    since: str | None = None
    data_version: str | None = None
    reused: bool = False
    unresolved: dict = field(default_factory=dict)  # {"names", "references", "by_kind", "without_id"}

    def flag(self, official_id: str) -> OfficialFlag | None:
        return next((f for f in self.flags if f.official_id == official_id), None)

    def paths_of(self, official: str | None = None, company: str | None = None) -> list[ConflictPath]:
        return [p for p in self.paths if (official is None or p.official_id == official)
                and (company is None or p.company_id == company)]

    def path(self, path_id: str) -> ConflictPath | None:
        return next((p for p in self.paths if p.path_id == path_id), None)


def combine(scores: list[float]) -> float:
    """Diminishing returns: 100 * (1 - prod(1 - s_i/100 * 0.5**i)) over scores sorted high to low."""
    remaining = 1.0
    for i, s in enumerate(sorted(scores, reverse=True)):
        remaining *= 1 - min(max(s, 0), 100) / 100 * (0.5 ** i)
    return round(100 * (1 - remaining), 2)


def level_of(score: float, cfg: dict) -> str:
    """The level of a score on the one scale (docs/scoring.md): red, orange, yellow or green."""
    if score >= cfg["red"]:
        return "red"
    if score >= cfg["orange"]:
        return "orange"
    if score >= cfg["yellow"]:
        return "yellow"
    return "green"


def _level_top(level: str, cfg: dict) -> float:
    """The highest score that still reads as ``level``."""
    return {"green": cfg["yellow"], "yellow": cfg["orange"], "orange": cfg["red"]}.get(level, 100.0 + 1) - 0.01


def finding_id(official_id: str, r: Reason) -> str:
    """Stable id of a finding: the same rule, official and subject give the same id in every run, so a
    triage decision follows the finding while new records are added to it.

    The subject is the beneficiary for path-based findings and findings about one company, else the
    earliest record cited.
    """
    import hashlib

    subject = r.company_id if (r.path_id or r.company_id) else min(r.evidence, default="")
    if r.rule == "contract_splitting":  # one finding per run of awards: its first award
        subject = f"{r.company_id}|{min(r.evidence, default='')}"
    key = "|".join([r.rule, official_id, subject or ""])
    return "F-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _counts(r: Reason) -> bool:
    """Whether a finding counts towards the score: not when dismissed, unless new records arrived."""
    tri = r.metadata.get("triage") or {}
    return tri.get("status") != "dismissed" or bool(tri.get("new_evidence"))


def apply_triage(db, flags: list, settings: dict) -> list:
    """Flags with the current triage applied: reasons annotated, scores and levels regraded so a
    dismissed finding without new evidence no longer counts. Returns the flags re-sorted."""
    from .. import triage

    state = triage.current(db) if db is not None else {}
    if not state and not any("triage" in r.metadata for f in flags for r in f.reasons):
        return flags
    for f in flags:
        triage.annotate_reasons(f.reasons, state)
        f.score, f.level = level_for(f.reasons, settings)
    flags.sort(key=lambda f: (-f.score, f.official_id))
    return flags


def run_rules(G: nx.MultiDiGraph, paths: list[ConflictPath], settings: dict, as_of: str | None = None,
              only: list[str] | None = None, aside: "Aside | None" = None) -> list[Finding]:
    """Every enabled rule (or ``only`` these), findings in rule order; the rules ``aside`` runs in another
    process (:func:`start_aside`) are collected from it after this process has run the others."""
    rules = load_builtin()
    ctx = Context(G=G, paths=paths, settings=settings, as_of=as_of)
    order = _enabled(rules, settings, only)
    by_rule = {rid: rules[rid].check(ctx) for rid in order if aside is None or rid not in aside.ids}
    if aside is not None:
        while (rid := aside.claim_last()) is not None:  # free before the other process: take from its list
            by_rule[rid] = rules[rid].check(ctx)
        by_rule.update(aside.get())
    findings: list[Finding] = [f for rid in order for f in by_rule[rid]]
    # one scale: a path's score is the strength the rules judged it by (rules.scale.path_strength)
    from .scale import strengths

    for p in paths:
        p.score = strengths(ctx).get(p.path_id, p.score)
    return findings


def _enabled(rules: dict, settings: dict, only: list[str] | None) -> list[str]:
    return [rid for rid in sorted(rules, key=lambda r: (rules[r].order, r))
            if (not only or rid in only) and settings["rules"][rid]["enabled"]]


def _run_aside(G, settings: dict, as_of: str | None, ids: list[str], claims: Claims) -> dict:
    """In the forked process: the rules of ``ids`` it claims first (the parent takes the rest from the end)."""
    rules = load_builtin()
    ctx = Context(G=G, paths=[], settings=settings, as_of=as_of)
    out = {}
    while (i := claims.first()) is not None:
        out[ids[i]] = rules[ids[i]].check(ctx)
    return out


def _prepare(G) -> None:
    """Build the graph's shared indexes (edges by kind, adjacency, amounts) before a fork: both processes
    read them, and the child would otherwise build its own copy."""
    from .scale import graph_amounts

    if hasattr(G, "by_kind"):
        G.by_kind()
        G.out_edges(next(iter(G.nodes), None))  # builds the adjacency lists
        G.node_kinds()
    graph_amounts(G)


class Aside(Forked):
    """Rules running in a forked process (:func:`start_aside`): their ids, and their findings once done.

    The child runs them in the order given (heaviest first); this process, once its own work is done,
    takes those not begun from the end of the list (:meth:`claim_last`), so neither waits idle for the other.
    """

    def __init__(self, ids: list[str], G, settings: dict, as_of: str | None):
        self.ids = set(ids)
        self._order = list(ids)
        self._claims = Claims(len(ids))
        super().__init__(_run_aside, G, settings, as_of, self._order, self._claims)

    def claim_last(self) -> str | None:
        """The id of a rule the child has not begun, now this process's to run; None when none is left."""
        i = self._claims.last()
        return None if i is None else self._order[i]


def start_aside(G, settings: dict, as_of: str | None, only: list[str] | None = None) -> Aside | None:
    """Run the rules that read no conflict path (``rule(paths=False)``) in a forked process while this one
    searches the paths; None when one process is asked for (``[graph] workers``), there is no such rule,
    fork is unavailable, or this process is already a worker."""
    workers = int((settings.get("graph") or {}).get("workers", 2))
    rules = load_builtin()
    ids = [rid for rid in _enabled(rules, settings, only) if not rules[rid].paths]
    ids.sort(key=lambda rid: -rules[rid].weight)  # heaviest first: this process takes the light ones left at the end
    if workers < 2 or not ids or not can_fork():
        return None
    _prepare(G)
    return Aside(ids, G, settings, as_of)


def level_for(reasons: list[Reason], settings: dict) -> tuple[float, str]:
    """An official's (score, level) from their findings (sorted here, strongest first); see grade()."""
    rules = load_builtin()
    cfg = settings["scoring"]
    reasons.sort(key=lambda r: (-r.score, r.rule, r.summary))
    counting = [r for r in reasons if _counts(r)]
    score = combine([r.score for r in counting])
    level = level_of(score, cfg)
    allowed = 0
    if counting:  # strongest first
        top = counting[0]
        allowed = LEVEL_RANK[level_of(top.score, cfg)]
        if any(LEVEL_RANK[level_of(r.score, cfg)] >= LEVEL_RANK["yellow"]
               and not set(r.evidence) & set(top.evidence) for r in counting[1:]):
            allowed += 1  # a second, independent signal (no record in common with the strongest)
    cap = max((rules[r.rule].max_level for r in counting if r.rule in rules), key=lambda lvl: LEVEL_RANK[lvl],
              default="green")
    allowed = min(allowed, LEVEL_RANK[cap], LEVEL_RANK["red"])
    if LEVEL_RANK[level] > allowed:
        level = LEVELS[allowed]
        score = min(score, round(_level_top(level, cfg), 2))
    return score, level


def grade(G: nx.MultiDiGraph, findings: list[Finding], settings: dict) -> list[OfficialFlag]:
    """Officials' scores and levels from their findings, on the one scale (docs/scoring.md).

    The score combines the findings that count (a dismissed finding stays listed but counts only
    when new records arrived). The level is the score's band, capped by the strongest rule's
    ``max_level`` and by the findings themselves: findings lift an official at most one band above
    their strongest, and only when a second one, citing none of the strongest one's records, is at
    least yellow (several independent signals), so notes below yellow, or two rules reading the same
    gift, never lift anyone. A capped score is lowered to the top of the level it reads as.
    """
    by_official: dict[str, list[Reason]] = defaultdict(list)
    for f in findings:
        f.reason.metadata.setdefault("finding_id", finding_id(f.official_id, f.reason))
        by_official[f.official_id].append(f.reason)
    flags = []
    for oid, reasons in by_official.items():
        score, level = level_for(reasons, settings)
        node = G.nodes[oid] if oid in G else {}
        unit = node.get("unit_id")
        flags.append(OfficialFlag(official_id=oid, name=str(node.get("name") or oid), unit_id=unit,
                                  unit=str(G.nodes[unit].get("name")) if unit in G else None,
                                  score=score, level=level, reasons=reasons))
    flags.sort(key=lambda f: (-f.score, f.official_id))
    return flags


def paths_for_rules(G: nx.MultiDiGraph, settings: dict) -> list[ConflictPath]:
    """Conflict paths down to ``[paths] rules_min_score``.

    The rules judge weaker paths than a report shows: a declared gift to a
    colleague may make a weak path and still meet a rule's own threshold.
    """
    floor = {**settings, "paths": {**settings["paths"], "min_score": settings["paths"]["rules_min_score"]}}
    return find_paths(G, settings=floor, index=PathIndex(G, settings))


@collector.without_collection  # its indexes, paths and findings: millions of objects, none cyclic
def evaluate(db=None, *, G=None, settings: dict | None = None, as_of: str | None = None,
             since: str | None = None, paths: list[ConflictPath] | None = None,
             only: list[str] | None = None) -> Evaluation:
    """Graph (as of a date) → paths → rules → levels, with the investigators' triage applied when a store is
    given; nothing is stored (``graphrisk.engine.evaluation`` stores and reuses).

    The paths kept are every path at or above ``[paths] min_score`` plus every weaker path a finding cites.
    """
    from ..graph import load

    t0 = time.perf_counter()
    settings = settings or settings_mod.load()
    if G is None:
        G = load(db, since=since, as_of=as_of, workers=int((settings.get("graph") or {}).get("workers", 2)))
    aside = start_aside(G, settings, as_of, only)  # rules that read no path, beside the path search
    try:
        if paths is None:
            paths = paths_for_rules(G, settings)
        findings = run_rules(G, paths, settings, as_of=as_of, only=only, aside=aside)
    finally:
        if aside is not None:
            aside.close()
    flags = grade(G, findings, settings)
    if db is not None:  # the investigators' triage decisions (graphrisk.triage)
        flags = apply_triage(db, flags, settings)
    cited = {r.path_id for f in flags for r in f.reasons if r.path_id}
    floor = settings["paths"]["show_min_strength"]
    kept = sorted((p for p in paths if p.score >= floor or p.path_id in cited), key=lambda p: (-p.score, p.path_id))
    graph = getattr(G, "graph", {}) or {}
    return Evaluation(flags, kept, G, settings, as_of, round(time.perf_counter() - t0, 3), since=since,
                      data_version=graph.get("data_version"), unresolved=dict(graph.get("unresolved") or {}))


def level_changes(before: list[OfficialFlag], after: list[OfficialFlag]) -> dict[str, list[dict]]:
    """Officials new to the list, escalated (level rose) and de-escalated, between two evaluations."""
    b = {f.official_id: f for f in before}
    a = {f.official_id: f for f in after}
    out = {"new": [], "escalated": [], "de_escalated": []}
    for oid in sorted(set(a) | set(b)):
        la = a[oid].level if oid in a else "green"
        lb = b[oid].level if oid in b else "green"
        if la == lb:
            continue
        entry = {"official_id": oid, "from": lb, "to": la}
        if LEVEL_RANK[la] > LEVEL_RANK[lb]:
            out["new" if lb == "green" else "escalated"].append(entry)
        else:
            out["de_escalated"].append(entry)
    return out


__all__ = ["LEVELS", "Evaluation", "apply_triage", "combine", "evaluate", "finding_id", "grade", "level_changes",
           "level_for", "level_of", "run_rules"]
