"""Build the networkx graph from the store, optionally for a time window.

Nodes are entities (``kind``: official, person, company, unit). Edges are
records and ties (``kind`` from ``schema.EDGE_KINDS``), each keeping its
record id, date(s), amount and provenance (``batch``, ``row``, ``source``).
The graph is a ``MultiDiGraph`` keyed by ``"<kind>:<record id>"`` so
parallel records between two nodes stay distinct.

Directions: gift giver → recipient; trip sponsor → official; trip official →
participant; contact official → counterpart; contract unit → supplier;
approved official → supplier; member_of official → unit; relations from_id
→ to_id ("from is the RELATION of to").
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterator

import networkx as nx
import sqlite_utils

from . import schema, store


@dataclass(frozen=True)
class Window:
    """Which dated records a graph holds: ``since`` ≤ date ≤ ``until``; ``as_of`` caps both records and ties."""

    since: str | None = None
    until: str | None = None
    as_of: str | None = None

    @property
    def end(self) -> str | None:
        ends = [d for d in (self.until, self.as_of) if d]
        return min(ends) if ends else None

    def sql(self, column: str) -> tuple[str, list]:
        clauses, params = [], []
        if self.since:
            clauses.append(f"{column} >= ?")
            params.append(self.since)
        if self.end:
            clauses.append(f"{column} <= ?")
            params.append(self.end)
        return (" where " + " and ".join(clauses)) if clauses else "", params


def _query(db: sqlite_utils.Database, sql: str, params=()) -> Iterator[dict]:
    cur = db.conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    for row in cur.fetchall():
        yield dict(zip(names, row))


def _canonical(db: sqlite_utils.Database) -> dict[str, str]:
    """Merged entity id → the id it was merged into (entity resolution), if any merges exist."""
    try:
        from .resolve.merge import canonical_map
    except ImportError:
        return {}
    try:
        return canonical_map(db)
    except sqlite3.OperationalError:  # no merge tables yet
        return {}


def build_graph(db: sqlite_utils.Database, since: str | None = None, until: str | None = None,
                as_of: str | None = None) -> nx.MultiDiGraph:
    """The graph of everything stored, or of the records dated in the window.

    Entities are always present (a window filters records, not people);
    relations are kept when they started on or before the window's end.
    ``G.graph`` carries the window and the store's data version.
    """
    win = Window(since, until, as_of)
    canon = _canonical(db)
    c = (lambda x: canon.get(x, x)) if canon else (lambda x: x)
    files = store.batch_files(db)
    G = nx.MultiDiGraph(since=since, until=until, as_of=as_of, data_version=store.data_version(db),
                        merged=len(canon))

    def prov(r: dict) -> dict:
        return {"batch": r["_batch"], "row": r["_row"], "source": files.get(r["_batch"])}

    for r in _query(db, "select * from units"):
        G.add_node(c(r["unit_id"]), kind="unit", name=r["name"], name_norm=r["name_norm"],
                   parent_id=r["parent_id"], region=r["region"], **prov(r))
    officials = list(_query(db, "select * from officials"))
    for r in officials:
        G.add_node(c(r["official_id"]), kind="official", name=r["name"], name_norm=r["name_norm"],
                   unit_id=r["unit_id"], position=r["position"], rank=r["rank"], **prov(r))
    for r in _query(db, "select * from people"):
        nid = c(r["person_id"])
        if nid not in G:
            G.add_node(nid, kind="person", name=r["name"], name_norm=r["name_norm"], note=r["note"], **prov(r))
    for r in _query(db, "select * from companies"):
        nid = c(r["company_id"])
        if nid not in G:
            G.add_node(nid, kind="company", name=r["name"], name_norm=r["name_norm"],
                       registration_no=r["registration_no"], region=r["region"], sector=r["sector"], **prov(r))
    for r in officials:
        G.add_edge(c(r["official_id"]), c(r["unit_id"]), key=f"member_of:{r['official_id']}", kind="member_of",
                   record_id=r["official_id"], date=None, amount=None, **prov(r))

    where, params = "", []
    if win.end:  # a tie counts from its start; ``since`` does not cut ties
        where, params = " where coalesce(start_date, '0000') <= ?", [win.end]
    for r in _query(db, f"select * from relations{where}", params):
        kind = schema.relation_class(r["relation"])
        G.add_edge(c(r["from_id"]), c(r["to_id"]), key=f"{kind}:{r['relation_id']}", kind=kind,
                   record_id=r["relation_id"], relation=r["relation"], share_pct=r["share_pct"],
                   date=r["start_date"], end_date=r["end_date"], amount=None,
                   evidence_source=r["source"], **prov(r))  # relations.source: where the tie is recorded

    where, params = win.sql("date")
    private_memo: dict = {}
    edges = []
    for r in _query(db, "select contact_id, official_id, counterpart_id, date, channel, location, _batch, _row "
                        f"from contacts{where}", params):
        if r["counterpart_id"] is None:
            continue
        ch = r["channel"]
        if ch not in private_memo:
            private_memo[ch] = is_private_channel(ch)
        edges.append((c(r["official_id"]), c(r["counterpart_id"]), f"contact:{r['contact_id']}", dict(
            kind="contact", record_id=r["contact_id"], date=r["date"], amount=None, channel=ch,
            location=r["location"], private=private_memo[ch], **prov(r))))
    for r in _query(db, "select gift_id, giver_id, recipient_id, date, value, currency, declared, description, "
                        f"_batch, _row from gifts{where}", params):
        if r["giver_id"] is None or r["recipient_id"] is None:
            continue
        edges.append((c(r["giver_id"]), c(r["recipient_id"]), f"gift:{r['gift_id']}", dict(
            kind="gift", record_id=r["gift_id"], date=r["date"], amount=r["value"], currency=r["currency"],
            declared=r["declared"], description=r["description"], **prov(r))))
    for r in _query(db, "select contract_id, unit_id, supplier_id, date, amount, currency, method, title, "
                        f"approver_id, _batch, _row from contracts{where}", params):
        if r["supplier_id"] is None:
            continue
        attrs = dict(record_id=r["contract_id"], date=r["date"], amount=r["amount"], currency=r["currency"],
                     method=r["method"], title=r["title"], unit_id=r["unit_id"],
                     approver_id=c(r["approver_id"]) if r["approver_id"] else None, **prov(r))
        edges.append((c(r["unit_id"]), c(r["supplier_id"]), f"contract:{r['contract_id']}",
                      dict(kind="contract", **attrs)))
        if r["approver_id"]:
            edges.append((c(r["approver_id"]), c(r["supplier_id"]), f"approved:{r['contract_id']}",
                          dict(kind="approved", **attrs)))
    G.add_edges_from(edges)
    edges = []
    where, params = win.sql("start_date")
    for r in _query(db, "select trip_id, official_id, destination, start_date, end_date, purpose, sponsor_id, cost, "
                        f"currency, participants, _batch, _row from trips{where}", params):
        base = dict(record_id=r["trip_id"], date=r["start_date"], end_date=r["end_date"],
                    destination=r["destination"], purpose=r["purpose"], **prov(r))
        official = c(r["official_id"])
        if r["sponsor_id"]:
            sponsor = c(r["sponsor_id"])
            government = G.nodes.get(sponsor, {}).get("kind") == "unit"
            edges.append((sponsor, official, f"trip_sponsor:{r['trip_id']}", dict(
                kind="trip_sponsor", amount=r["cost"], currency=r["currency"], government=government, **base)))
        for p in (r["participants"] or "").split(";"):
            if p:
                edges.append((official, c(p), f"trip_participant:{r['trip_id']}:{p}", dict(
                    kind="trip_participant", amount=None, sponsor_id=r["sponsor_id"], **base)))
    G.add_edges_from(edges)
    return G


def is_private_channel(channel: str | None) -> bool:
    """A contact away from office business (dinner, banquet, ...), per ``schema.PRIVATE_CHANNELS``."""
    if not channel:
        return False
    ch = channel.lower()
    return any(word in ch for word in schema.PRIVATE_CHANNELS)


def officials_of_unit(G: nx.MultiDiGraph, unit_id: str) -> list[str]:
    return sorted(n for n, _, k in G.in_edges(unit_id, keys=True) if k.startswith("member_of:"))


def unit_of(G: nx.MultiDiGraph, official_id: str) -> str | None:
    return G.nodes[official_id].get("unit_id") if official_id in G else None


def edges_of_kind(G: nx.MultiDiGraph, kind: str) -> Iterator[tuple[str, str, str, dict]]:
    for u, v, k, d in G.edges(keys=True, data=True):
        if d["kind"] == kind:
            yield u, v, k, d


def label(G: nx.MultiDiGraph, node: str) -> str:
    """``name (unit)`` for an official, else the name; the id when nothing is known."""
    d = G.nodes.get(node, {})
    name = d.get("name") or node
    if d.get("kind") == "official" and d.get("unit_id") in G:
        return f"{name} ({G.nodes[d['unit_id']].get('name')})"
    return name
