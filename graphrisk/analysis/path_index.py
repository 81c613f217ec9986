"""The index the conflict-path search walks: private ties, decision edges and unit membership of a graph.

Built once per graph from the edges grouped by kind (the engine's compact graph keeps them so): each
kind is read with its own loop instead of testing every one of 700,000 edges for every role.
"""
from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from .. import schema


@dataclass(frozen=True)
class Step:
    """The private records between two consecutive nodes of a path (parallel records kept together)."""

    a: str
    b: str
    edges: tuple  # (u, v, key, data) tuples


class PathIndex:
    """Private adjacency, decision edges and unit membership of a graph, built once per graph."""

    def __init__(self, G: nx.MultiDiGraph, settings: dict):
        self.G = G
        cfg = settings["paths"]
        self.min_repeated = cfg["min_repeated_contacts"]
        self.adj: dict[str, dict[str, list]] = {}
        # decision edges by role (schema.EDGE_KINDS): a unit's awards and decisions, an official's own part
        self.unit_contracts: dict[str, list] = defaultdict(list)  # unit -> decision edges (contracts, decisions)
        self.approved: dict[str, list] = defaultdict(list)  # official -> decision edges they took part in
        self.members: dict[str, list[str]] = defaultdict(list)
        self.memberships: dict[str, dict] = defaultdict(dict)  # official -> unit -> [(start, end)]
        self._dated: set[str] = set()  # officials with a dated membership
        self._unit_targets: dict[str, dict] = {}
        self._unit_dated: dict[str, list] = {}  # unit -> [(beneficiary, [(date, edge)])], for dated members
        self._kind = {n: d.get("kind") for n, d in G.nodes(data=True)}
        office_contacts: dict[tuple, list] = defaultdict(list)
        node_kind = self._kind
        private: list = []  # the private ties, in the order they are linked
        for kind, edges in _edges_by_kind(G):
            role = schema.EDGE_KINDS[kind].role if kind in schema.EDGE_KINDS else None
            if role == "membership":
                for u, v, k, d in edges:
                    if u not in self.members[v]:
                        self.members[v].append(u)
                    self.memberships[u].setdefault(v, []).append((d.get("date"), d.get("end_date")))
                    if d.get("date") or d.get("end_date"):
                        self._dated.add(u)
            elif role == "decision_unit":
                for e in edges:
                    self.unit_contracts[e[0]].append(e)
            elif role == "decision_official":
                for e in edges:
                    self.approved[e[0]].append(e)
            elif kind == "contact":
                for e in edges:
                    if e[3].get("private"):
                        private.append(e)
                    else:
                        office_contacts[(e[0], e[1])].append(e)
            elif kind == "trip_sponsor":
                private.extend(e for e in edges if not e[3].get("government"))
            elif kind == "trip_participant":
                private.extend(e for e in edges
                               if node_kind.get(e[1]) != "official" and node_kind.get(e[0]) == "official")
            elif kind in schema.EDGE_KINDS and schema.EDGE_KINDS[kind].private:
                private.extend(edges)
        for (u, v), edges in office_contacts.items():
            if len(edges) >= self.min_repeated:  # repeated contact is a tie even at the office
                private.extend(edges)
        _link(self.adj, private)
        for m in self.members.values():
            m.sort()

    def passable(self, node: str) -> bool:
        """Intermediate nodes of a chain: people and companies only."""
        return self._kind.get(node) in ("person", "company")

    def units(self, official: str) -> list[str]:
        """Units the official belongs to: the own unit and every membership, sorted."""
        own = self.G.nodes[official].get("unit_id") if official in self.G else None
        return sorted({u for u in [own, *self.memberships.get(official, ())] if u}, key=str)

    def _unit_base(self, unit: str) -> dict[str, list]:
        """Beneficiary -> decision edges of one unit (cached; shared by every official of the unit)."""
        base = self._unit_targets.get(unit)
        if base is None:
            by: dict[str, dict] = defaultdict(dict)
            for e in self.unit_contracts.get(unit, ()):
                if self.passable(e[1]):
                    by[e[1]][e[3]["record_id"]] = e
            base = self._unit_targets[unit] = {c: list(es.values()) for c, es in by.items()}
        return base

    def _dated_base(self, unit: str) -> list:
        """The unit's base with each edge's date, read once for every dated member (cached)."""
        out = self._unit_dated.get(unit)
        if out is None:
            out = self._unit_dated[unit] = [(c, [(e[3].get("date"), e) for e in es])
                                            for c, es in self._unit_base(unit).items()]
        return out

    def _on_spans(self, official: str, unit: str, base: dict) -> dict:
        """The unit's base kept to the decisions taken while the official belonged to it: undated decisions
        and undated memberships always count."""
        spans = self.memberships.get(official, {}).get(unit)
        if not spans:
            return base
        out = {}
        for c, dated in self._dated_base(unit):
            kept = [e for day, e in dated
                    if not day or any((not a or a <= day) and (not b or day <= b) for a, b in spans)]
            if kept:
                out[c] = kept
        return out

    def targets(self, official: str) -> Mapping[str, list]:
        """Beneficiary -> decision edges the official has power over (own part first, then their units').

        Lists are shared between officials of a unit (never copied per official): callers read them only.
        An official who took part in decisions gets a :class:`Targets`.
        """
        units = self.units(official)
        dated = official in self._dated
        out: dict[str, list] = {}
        for unit in units:
            base = self._unit_base(unit)
            if dated:
                base = self._on_spans(official, unit, base)
            if not out:
                out = base if len(units) == 1 else dict(base)
            else:
                for c, es in base.items():
                    out[c] = out[c] + [e for e in es if e not in out[c]] if c in out else es
        own: dict[str, list] = {}
        passable = self.passable
        for e in self.approved.get(official, ()):
            if passable(e[1]):
                own.setdefault(e[1], []).append(e)
        return Targets(out, own) if own else out

    def distances(self, targets, limit: int) -> dict[str, int]:
        """Hops from each node to the nearest target over private ties (through passable nodes)."""
        dist = {t: 0 for t in targets}
        queue = deque(targets)
        while queue:
            n = queue.popleft()
            d = dist[n]
            if d >= limit:
                continue
            for m in self.adj.get(n, ()):
                if m not in dist and self.passable(m):
                    dist[m] = d + 1
                    queue.append(m)
        return dist


class Targets(Mapping):
    """The targets of an official who took part in decisions: their units' (shared, not copied), with the
    official's own decision edges first for a beneficiary they decided on. A beneficiary's list is made when
    first read: the path search reaches few of an approver's beneficiaries, and making every list was a
    third of the search on large registers."""

    __slots__ = ("base", "own", "_made")

    def __init__(self, base: dict, own: dict[str, list]):
        self.base, self.own, self._made = base, own, {}

    def __getitem__(self, c: str) -> list:
        es = self.own.get(c)
        if es is None:
            return self.base[c]
        made = self._made.get(c)
        if made is None:  # the own approval is the stronger edge: a record decided by the unit comes once
            mine = {e[3]["record_id"]: e for e in es}
            made = self._made[c] = [*mine.values(),
                                    *(e for e in self.base.get(c, ()) if e[3]["record_id"] not in mine)]
        return made

    def __contains__(self, c) -> bool:
        return c in self.own or c in self.base

    def __iter__(self):
        yield from self.base
        yield from (c for c in self.own if c not in self.base)

    def __len__(self) -> int:
        return len(self.base) + sum(c not in self.base for c in self.own)

    def __bool__(self) -> bool:
        return bool(self.own) or bool(self.base)

    def key_parts(self) -> tuple[dict, dict]:
        """The dicts whose keys are this mapping's keys (a union over many officials reads each shared one once)."""
        return self.base, self.own


def _link(adj: dict[str, dict[str, list]], edges: list) -> None:
    """Add private ties to the adjacency, each walked both ways (parallel records kept together, in order).
    One loop over a million ties: a method call and an inner loop per tie were a third of the index."""
    get = adj.get
    for e in edges:
        u, v = e[0], e[1]
        if u == v:
            continue
        row = get(u)
        if row is None:
            adj[u] = {v: [e]}
        elif (same := row.get(v)) is None:
            row[v] = [e]
        else:
            same.append(e)
        row = get(v)
        if row is None:
            adj[v] = {u: [e]}
        elif (same := row.get(u)) is None:
            row[u] = [e]
        else:
            same.append(e)


def _edges_by_kind(G):
    """``(kind, [edges])`` in the order the kinds first occur: the compact graph keeps them grouped."""
    if hasattr(G, "by_kind"):
        return list(G.by_kind().items())
    by: dict[str, list] = {}
    for e in G.edges(keys=True, data=True):
        by.setdefault(e[3]["kind"], []).append(e)
    return list(by.items())
