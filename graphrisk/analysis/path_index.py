"""The index the conflict-path search walks: private ties, decision edges and unit membership of a graph.

Built once per graph from the edges grouped by kind (the engine's compact graph keeps them so): each
kind is read with its own loop instead of testing every one of 700,000 edges for every role.
"""
from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from .. import schema

if TYPE_CHECKING:  # networkx is loaded where a function calls it: the engine's graph needs none of it
    import networkx as nx

_PASSABLE = ("person", "company")


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
        # decision edges by role (schema.EDGE_KINDS): a unit's awards and decisions, an official's own part
        self.unit_contracts: dict[str, list] = defaultdict(list)  # unit -> decision edges (contracts, decisions)
        self.approved: dict[str, list] = defaultdict(list)  # official -> decision edges they took part in
        self.members: dict[str, list[str]] = defaultdict(list)
        self.memberships: dict[str, dict] = defaultdict(dict)  # official -> unit -> [(start, end)]
        self._dated: set[str] = set()  # officials with a dated membership
        self._unit_targets: dict[str, dict] = {}
        self._unit_dated: dict[str, list] = {}  # unit -> [(beneficiary, [(date, edge)])], for dated members
        self._kind = G.node_kinds() if hasattr(G, "node_kinds") else \
            {n: d.get("kind") for n, d in G.nodes(data=True)}  # the engine's graph keeps it (before a fork)
        self.names = _sorted(self._kind)  # node positions: the adjacency and the distances are over them
        self.pos = {n: i for i, n in enumerate(self.names)}
        self._passable = np.array([self._kind[n] in _PASSABLE for n in self.names], dtype=bool)
        self.passable_at = self._passable.tobytes()  # by position: 1 for a person or company
        office: list = []  # contacts at the office: a tie only when repeated
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
                    (private if e[3].get("private") else office).append(e)
            elif kind == "trip_sponsor":
                private.extend(e for e in edges if not e[3].get("government"))
            elif kind == "trip_participant":
                private.extend(e for e in edges
                               if node_kind.get(e[1]) != "official" and node_kind.get(e[0]) == "official")
            elif kind in schema.EDGE_KINDS and schema.EDGE_KINDS[kind].private:
                private.extend(edges)
        private.extend(_repeated(office, self.min_repeated))  # repeated contact is a tie even at the office
        self._link(private)
        for m in self.members.values():
            m.sort()

    def _link(self, private: list) -> None:
        """The private ties as a compressed adjacency over node positions (nodes in sorted order), each tie
        walked both ways: a node's row lists its neighbours in sorted order, and each (node, neighbour)
        pair the ties between them in the order given. Arrays instead of a dict of dicts per node: the
        whole index holds 37 MB instead of 67 MB at 200,000 ties (scale 10)."""
        n = len(self.names)
        pos = self.pos.__getitem__
        u = np.fromiter(map(pos, map(itemgetter(0), private)), dtype=np.int64, count=len(private))
        v = np.fromiter(map(pos, map(itemgetter(1), private)), dtype=np.int64, count=len(private))
        tie = np.flatnonzero(u != v)
        a, b = np.concatenate([u[tie], v[tie]]), np.concatenate([v[tie], u[tie]])
        order = np.lexsort((np.concatenate([tie, tie]), b, a))
        a, b = a[order], b[order]
        first = np.ones(len(a), dtype=bool)
        first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        starts = np.flatnonzero(first)
        self._ties = private
        self._tie_order = _ints(np.concatenate([tie, tie])[order])
        self._pair_start = _ints(np.append(starts, len(a)))
        self._nbr = b[starts]
        self._row = np.searchsorted(a[starts], np.arange(n + 1))
        self.neighbours_of, self.rows = _ints(self._nbr), _ints(self._row)  # read one by one by the walk
        self._pair_edges: dict[int, tuple] = {}

    def pair_edges(self, pair: int) -> tuple:
        """The private records between the two nodes of an adjacency pair (both directions, in order)."""
        es = self._pair_edges.get(pair)
        if es is None:
            ties, order = self._ties, self._tie_order
            es = self._pair_edges[pair] = tuple(ties[order[i]] for i in
                                                range(self._pair_start[pair], self._pair_start[pair + 1]))
        return es

    def passable(self, node: str) -> bool:
        """Intermediate nodes of a chain: people and companies only."""
        return self._kind.get(node) in _PASSABLE

    def units(self, official: str) -> list[str]:
        """Units the official belongs to: the own unit and every membership, sorted."""
        own = self.G.nodes[official].get("unit_id") if official in self.G else None
        return sorted({u for u in [own, *self.memberships.get(official, ())] if u}, key=str)

    def _unit_base(self, unit: str) -> dict[str, list]:
        """Beneficiary -> decision edges of one unit (cached; shared by every official of the unit)."""
        base = self._unit_targets.get(unit)
        if base is None:
            by: dict[str, dict] = defaultdict(dict)
            kind = self._kind.get
            for e in self.unit_contracts.get(unit, ()):
                if kind(e[1]) in _PASSABLE:
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
        if len(spans) == 1:  # the usual case, without a generator per decision
            (a, b), = spans
            for c, dated in self._dated_base(unit):
                kept = [e for day, e in dated if not day or (not a or a <= day) and (not b or day <= b)]
                if kept:
                    out[c] = kept
            return out
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

    def distances(self, targets, limit: int) -> dict[int, int]:
        """Hops from each node (by position) to the nearest of ``targets`` (node ids) over private ties,
        through passable nodes only, up to ``limit``: a breadth-first search a whole level at a time."""
        if not len(self.names):
            return {}
        pos = self.pos
        seen = np.zeros(len(self.names), dtype=bool)
        level = np.unique(np.fromiter((pos[t] for t in targets), dtype=np.int64))
        seen[level] = True
        reached, hops = [level], [np.zeros(len(level), dtype=np.int64)]
        row, nbr, passable = self._row, self._nbr, self._passable
        for d in range(1, limit + 1):
            starts, ends = row[level], row[level + 1]
            counts = ends - starts
            total = int(counts.sum())
            if not total:
                break
            at = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
            found = nbr[at]
            found = np.unique(found[passable[found] & ~seen[found]])
            if not len(found):
                break
            seen[found] = True
            reached.append(found)
            hops.append(np.full(len(found), d, dtype=np.int64))
            level = found
        return dict(zip(np.concatenate(reached).tolist(), np.concatenate(hops).tolist()))


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


def _repeated(edges: list, times: int) -> list:
    """The edges whose (source, target) pair occurs at least ``times`` times, pair by pair in the order the pairs
    first occur, each pair's edges in order. Pairs that might repeat are found first by the ends' hashes in
    numpy (equal pairs hash alike; a few unequal ones may too): at scale 10, 230,000 office contacts make
    250,000 pairs of which 2 repeat, and a dict of lists over every pair took 0.3-0.45 s."""
    if times > 1 and edges:
        hashes = [np.fromiter(map(hash, map(itemgetter(i), edges)), dtype=np.int64, count=len(edges)) for i in (0, 1)]
        key = hashes[0] * np.int64(1_000_003) ^ hashes[1]  # wraps around: only equality matters
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        edges = [edges[i] for i in np.flatnonzero(counts[inverse.ravel()] >= times).tolist()]
    pairs: dict[tuple, list] = defaultdict(list)
    for e in edges:
        pairs[(e[0], e[1])].append(e)
    return [e for es in pairs.values() if len(es) >= times for e in es]


def _ints(values: np.ndarray) -> array:
    """An int64 array as a Python ``array``: indexed one by one like a list, without an int object each."""
    out = array("q")
    out.frombytes(values.astype(np.int64).tobytes())
    return out


def _sorted(nodes) -> list:
    """Node ids in their natural order (by text where the ids are of mixed types)."""
    try:
        return sorted(nodes)
    except TypeError:
        return sorted(nodes, key=str)


def _edges_by_kind(G):
    """``(kind, [edges])`` in the order the kinds first occur: the compact graph keeps them grouped."""
    if hasattr(G, "by_kind"):
        return list(G.by_kind().items())
    by: dict[str, list] = {}
    for e in G.edges(keys=True, data=True):
        by.setdefault(e[3]["kind"], []).append(e)
    return list(by.items())
