"""Time-ordered conflict-of-interest paths.

A path joins an official's decision power over a supplier (a contract the
official's unit awarded, or one the official approved) to a private chain
that reaches the same supplier: gifts, sponsored trips, private or repeated
contacts, family, shareholding or a role in the company, associates. The
chain runs through people and companies only (never through a unit or
another official) and through ids only, so two people who share a name
never form a path.

Search goes from the decision edges outwards: for each unit, one
breadth-first pass from its suppliers over private ties gives every node's
distance to a supplier, and the walk from each official only steps where a
supplier is still within reach. That keeps the search linear in the
neighbourhoods that matter instead of enumerating all simple paths.

Time order: a dated benefit (gift, sponsored trip, contact) counts most when
it comes before the award, within ``window_days``; the path records the gap.
"""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from .. import schema
from .. import settings as settings_mod
from ..findings import ConflictPath, PathEdge
from ..rules.scale import AmountScales, graph_amounts, scorer_amount_factor

BENEFIT_KINDS = {k for k, e in schema.EDGE_KINDS.items() if e.benefit}

from .path_index import PathIndex, Step, Targets  # noqa: E402 (re-exported)

if TYPE_CHECKING:  # networkx is loaded where a function calls it: the engine's graph needs none of it
    import networkx as nx


def _days(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return (date.fromisoformat(b[:10]) - date.fromisoformat(a[:10])).days


def _amount_factor(amount: float | None, low: float, high: float, floor: float) -> float:
    """Log scale: ``floor`` at ``low`` or less, 1.0 at ``high`` or more."""
    if amount is None or amount <= 0:
        return floor
    if amount <= low:
        return floor
    if amount >= high:
        return 1.0
    return floor + (1 - floor) * (math.log(amount) - math.log(low)) / (math.log(high) - math.log(low))


class Scorer:
    def __init__(self, settings: dict, window_days: int, scales=None):
        self.cfg = settings["paths"]
        self.window = window_days
        # the register's own amounts per kind and currency (graphrisk.rules.scale.AmountScales): amounts are
        # judged against them, not against fixed CNY constants (issue 13); None keeps the fixed scale
        self.scales = scales

    def edge_factor(self, d: dict, award_date: str) -> tuple[float, int | None]:
        """Strength of one private record against one award; with the gap in days when dated benefit."""
        kind = d["kind"]
        ek = schema.EDGE_KINDS[kind]
        f = ek.weight
        gap = None
        if kind == "shareholder" and d.get("share_pct") is not None:
            f *= 0.6 + 0.4 * min(d["share_pct"], 50) / 50
        if kind == "contact" and not d.get("private"):
            f *= 0.5
        if kind == "gift":
            f *= scorer_amount_factor(self.scales, "gift", d.get("amount"), d.get("currency"), 200, 50_000, 0.2)
            if d.get("declared") == 1:
                f *= self.cfg["declared_factor"]
        if kind == "trip_sponsor":
            f *= scorer_amount_factor(self.scales, "trip_sponsor", d.get("amount"), d.get("currency"), 1_000, 50_000,
                                      0.4)
        if ek.benefit or kind == "trip_participant":
            gap = _days(d.get("date"), award_date)
            if gap is None:
                f *= 0.6
            elif 0 <= gap <= self.window:
                f *= 1.0 - 0.4 * gap / max(self.window, 1)
            elif gap < 0 and -gap <= self.window:
                f *= self.cfg["after_award_factor"]
            else:
                f *= self.cfg["outside_window_factor"]
        else:
            end = d.get("end_date")
            if end and award_date and end < award_date:
                f *= 0.5  # the tie had ended before the award
            else:
                f *= 0.9
        return f, gap

    def contract_factor(self, amount: float | None, currency: str | None = None, kind: str = "contract") -> float:
        return scorer_amount_factor(self.scales, kind, amount, currency, 50_000, 5_000_000, 0.5)


def _pe(G: nx.MultiDiGraph, e) -> PathEdge:
    u, v, k, d = e
    detail = {}
    for key in ("relation", "share_pct", "declared", "channel", "destination", "method", "title", "unit_id",
                "approver_id", "government", "end_date", "decision_type", "role", "country"):
        if d.get(key) is not None:
            detail[key] = d[key]
    return PathEdge(kind=d["kind"], record_id=d["record_id"], source=u, target=v, date=d.get("date"),
                    amount=d.get("amount"), currency=d.get("currency"), source_file=d.get("source"),
                    row=d.get("row"), detail=detail)


def find_paths(G: nx.MultiDiGraph, official: str | None = None, company: str | None = None,
               max_hops: int | None = None, window_days: int | None = None,
               settings: dict | None = None, index: PathIndex | None = None) -> list[ConflictPath]:
    """Conflict paths of one official, of every official with power over one company, or of all officials.

    Returns paths sorted by score (highest first), then by path id.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("U1", kind="unit", name="Finance Bureau")
    >>> G.add_node("O1", kind="official", name="Li Ming", unit_id="U1")
    >>> G.add_node("P1", kind="person", name="Wang Qiang")
    >>> G.add_node("C1", kind="company", name="Huading Technology")
    >>> _ = G.add_edge("O1", "U1", kind="member_of", record_id="O1")
    >>> _ = G.add_edge("P1", "C1", kind="legal_representative", record_id="r1", relation="legal_representative")
    >>> _ = G.add_edge("P1", "O1", kind="gift", record_id="G1", date="2026-03-02", amount=20000.0, currency="CNY")
    >>> _ = G.add_edge("U1", "C1", kind="contract", record_id="T123", date="2026-04-10", amount=2400000.0,
    ...            currency="CNY", approver_id="O1", unit_id="U1")
    >>> _ = G.add_edge("O1", "C1", kind="approved", record_id="T123", date="2026-04-10", amount=2400000.0,
    ...            currency="CNY", approver_id="O1", unit_id="U1")
    >>> [p] = find_paths(G, official="O1")
    >>> p.nodes, p.gap_days, [e.record_id for e in p.edges]
    (['O1', 'P1', 'C1'], 39, ['G1', 'r1', 'T123'])
    """
    settings = settings or settings_mod.load()
    cfg = settings["paths"]
    max_hops = max_hops or cfg["max_hops"]
    window = window_days if window_days is not None else cfg["window_days"]
    index = index or PathIndex(G, settings)
    if getattr(index, "scales", None) is None:  # the register's own amounts, once per graph
        index.scales = AmountScales.from_amounts(graph_amounts(G), settings)
    scorer = Scorer(settings, window, scales=index.scales)
    if official is not None:
        officials = [official]
    elif company is not None:
        officials = sorted(_officials_over(G, index, company))
    else:
        officials = sorted(n for n, d in G.nodes(data=True) if d.get("kind") == "official")
    by_unit: dict[tuple, list[str]] = defaultdict(list)  # officials grouped by the units they belong to
    for o in officials:
        if o in G:
            by_unit[tuple(index.units(o))].append(o)
    out: list[ConflictPath] = []
    for unit in sorted(by_unit, key=str):
        targets_of = {o: index.targets(o) for o in by_unit[unit]}
        if company is not None:
            targets_of = {o: ({company: t[company]} if company in t else {}) for o, t in targets_of.items()}
        parts = {id(p): p for t in targets_of.values()  # the units' shared dicts, each read once
                 for p in (t.key_parts() if isinstance(t, Targets) else (t,))}
        reach = set().union(*parts.values())
        if not reach:
            continue
        dist = index.distances(sorted(reach), max_hops - 1)  # one search per unit, not per official
        for o in by_unit[unit]:
            if targets_of[o]:
                out.extend(_paths_of(G, index, scorer, o, targets_of[o], dist, max_hops, cfg))
    out.sort(key=lambda p: (-p.score, p.path_id))
    return out


def find_all_paths(G: nx.MultiDiGraph, settings: dict | None = None, **kwargs) -> list[ConflictPath]:
    """Conflict paths of every official in the graph."""
    return find_paths(G, settings=settings, **kwargs)


def _officials_over(G, index: PathIndex, company: str) -> set[str]:
    out = set()
    for u, v, k, d in G.in_edges(company, keys=True, data=True):
        role = schema.EDGE_KINDS[d["kind"]].role if d["kind"] in schema.EDGE_KINDS else None
        if role == "decision_unit":
            out.update(index.members.get(u, ()))
        elif role == "decision_official":
            out.add(u)
    return out


def _paths_of(G, index: PathIndex, scorer: Scorer, official: str, targets: dict, dist: dict, max_hops: int,
              cfg: dict) -> list[ConflictPath]:
    """Walk private ties from ``official`` towards its suppliers; score each chain against each award."""
    found: list[ConflictPath] = []
    per_pair: dict[str, list[ConflictPath]] = defaultdict(list)
    start = index.pos.get(official)
    if start is None:
        return []
    names, rows, nbrs, passable = index.names, index.rows, index.neighbours_of, index.passable_at
    far = max_hops + 1
    stack = [(start, [start], [])]
    while stack:
        node, nodes, steps = stack.pop()
        remaining = max_hops - len(steps) - 1
        for pair in range(rows[node], rows[node + 1]):  # neighbours in sorted order
            nbr = nbrs[pair]
            if nbr in nodes or not passable[nbr] or dist.get(nbr, far) > remaining:
                continue
            nbr_id = names[nbr]
            new_nodes, new_steps = nodes + [nbr], steps + [Step(names[node], nbr_id, index.pair_edges(pair))]
            if nbr_id in targets:
                ids = [names[i] for i in new_nodes]
                for contract in targets[nbr_id]:
                    p = _score_path(G, scorer, official, nbr_id, ids, new_steps, contract, cfg)
                    if p is not None:
                        per_pair[nbr_id].append(p)
            if remaining > 0:
                stack.append((nbr, new_nodes, new_steps))
    for company, paths in per_pair.items():
        paths.sort(key=lambda p: (-p.score, p.path_id))
        found.extend(paths[:cfg["max_paths_per_pair"]])
    found.sort(key=lambda p: (-p.score, p.path_id))
    return found[:cfg["max_paths_per_official"]]


def _score_path(G, scorer: Scorer, official: str, company: str, nodes: list[str], steps: list[Step],
                contract, cfg: dict) -> ConflictPath | None:
    cu, cv, ck, cd = contract
    award = cd.get("date")
    chain = 1.0
    chosen = []
    gaps = []
    for step in steps:
        best, best_f, best_gap = None, -1.0, None
        for e in sorted(step.edges, key=lambda e: e[2]):
            f, gap = scorer.edge_factor(e[3], award)
            if f > best_f:
                best, best_f, best_gap = e, f, gap
        chain *= best_f
        chosen.append(best)
        if best_gap is not None:
            gaps.append(best_gap)
    hops = len(steps)
    approved = cd.get("approver_id") == official
    decision = scorer.contract_factor(cd.get("amount"), cd.get("currency"), cd.get("kind", "contract"))
    score = 100.0 * chain * decision * (cfg["hop_decay"] ** (hops - 1))
    score *= 1.0 if approved else cfg["unit_only_factor"]
    if score < cfg["min_score"]:
        return None
    gap = min((g for g in gaps if g >= 0), default=max(gaps) if gaps else None)
    edges = [_pe(G, e) for e in chosen] + [_pe(G, contract)]
    for pe, step in zip(edges, steps):
        others = sorted(e[3]["record_id"] for e in step.edges if e[3]["record_id"] != pe.record_id)
        if others:
            pe.detail["also"] = others  # parallel records between the same two nodes
    dates = [e.date for e in edges if e.date]
    texts = explain_all(G, official, nodes, edges, gap, approved)
    return ConflictPath(
        official_id=official, company_id=company, unit_id=cd.get("unit_id") or G.nodes[official].get("unit_id"),
        score=round(min(score, 100.0), 2), nodes=list(nodes), edges=edges, gap_days=gap,
        explanation=texts["en"], explanations=texts, hops=hops,
        approved_personally=approved, latest_date=max(dates) if dates else None)


# ------------------------------------------------------------------ explanations

# The wording (every language) lives in graphrisk.narrate; ``explain`` stays importable from here.
from ..narrate import explain, explain_all  # noqa: E402


# ------------------------------------------------------------------ storage

def store_paths(db, paths: list[ConflictPath], params: dict, settings: dict, seconds: float = 0.0,
                as_of: str | None = None, since: str | None = None, until: str | None = None) -> int:
    """Store a run's paths (table ``paths``) with the run's parameters and settings; return the run id."""
    import json

    from .. import store

    run_id = store.start_run(db, "paths", params, settings_mod.fingerprint(settings), as_of=as_of,
                             since=since, until=until)
    db["paths"].create({"run_id": int, "path_id": str, "official_id": str, "company_id": str, "score": float,
                        "gap_days": int, "hops": int, "approved_personally": int, "latest_date": str,
                        "explanation": str, "data": str}, pk=("run_id", "path_id"), if_not_exists=True)
    db["paths"].create_index(["official_id"], if_not_exists=True)
    with db.conn:
        db.conn.executemany(
            "insert or replace into paths values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, p.path_id, p.official_id, p.company_id, p.score, p.gap_days, p.hops,
              int(p.approved_personally), p.latest_date, p.explanation,
              json.dumps(p.to_dict(), ensure_ascii=False, sort_keys=True)) for p in paths])
    store.finish_run(db, run_id, seconds)
    return run_id


def load_paths(db, run_id: int | None = None) -> list[dict]:
    """Paths of a stored run (default: the latest paths run), as their JSON dicts."""
    import json

    if "paths" not in db.table_names():
        return []
    if run_id is None:
        row = next(db.query("select max(id) id from runs where kind = 'paths'"), None)
        run_id = row and row["id"]
        if run_id is None:
            return []
    return [json.loads(r["data"]) for r in db.query(
        "select data from paths where run_id = ? order by score desc, path_id", [run_id])]
