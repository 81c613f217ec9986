"""One generic graph builder: nodes and edges straight from the store, as the model declares them.

Every kind in ``graphrisk/model.toml`` with a ``node`` gives nodes; every ``edges`` entry of a kind
gives one edge per row (source column → target column). Nothing here names a record kind: adding
one to the model adds its edges everywhere (the compact engine, the networkx graph, maps, exports).

Edges are ``(u, v, key, attrs)`` with ``key = "<edge kind>:<record id>"`` and attrs ``kind``,
``record_id``, ``date``, ``end_date``, ``amount``, ``currency``, the row's other columns, and
provenance (``batch``, ``row``, ``source``). Two attributes are derived because the rules and paths
read them: ``private`` on contacts (a dinner, not office business) and ``government`` on a trip
sponsor that is a unit; decision edges carry ``approver_id`` (the official who took part).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterator

from .. import schema, store

SKIP_COLUMNS = {"_extra", "_hash", "_batch", "_row"}
PRIVATE_COLUMNS = {"id_number"}  # never leaves the store: no citizen id number in any output


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

    def sql(self, column: str, ties: bool = False) -> tuple[str, list]:
        """A where clause over ``column``; for ties only the end applies (a tie counts from its start)."""
        clauses, params = [], []
        if self.since and not ties:
            clauses.append(f"[{column}] >= ?")
            params.append(self.since)
        if self.end:
            clauses.append(f"coalesce([{column}], '0000') <= ?" if ties else f"[{column}] <= ?")
            params.append(self.end)
        return (" where " + " and ".join(clauses)) if clauses else "", params


def canonical(db) -> dict[str, str]:
    """Merged entity id → the id it was merged into (entity resolution)."""
    from ..resolve.merge import canonical_map

    try:
        return canonical_map(db)
    except sqlite3.OperationalError:  # a store from before merges existed
        return {}


def is_private_channel(channel: str | None) -> bool:
    """A contact away from office business (dinner, banquet, ...), per ``schema.PRIVATE_CHANNELS``."""
    if not channel:
        return False
    ch = channel.lower()
    return any(word in ch for word in schema.PRIVATE_CHANNELS)


def _rows(db, sql: str, params=()) -> Iterator[dict]:
    cur = db.conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    for row in cur:
        yield dict(zip(names, row))


def iter_nodes(db, canon: dict | None = None) -> Iterator[tuple[str, dict]]:
    """``(id, attrs)`` of every entity (merged ids folded into their canonical one, first row wins)."""
    canon = canon if canon is not None else canonical(db)
    files = store.batch_files(db)
    seen: set = set()
    tables = set(db.table_names())
    for table, k in sorted(schema.KINDS.items(), key=lambda kv: kv[1].order):
        if not k.node or table not in tables:
            continue
        for r in _rows(db, f"select * from [{table}]"):
            nid = canon.get(r[k.id_column], r[k.id_column])
            if nid in seen:
                continue
            seen.add(nid)
            attrs = {c: v for c, v in r.items()
                     if c not in SKIP_COLUMNS and c not in PRIVATE_COLUMNS and c != k.id_column}
            attrs.update(kind=k.node, batch=r["_batch"], row=r["_row"], source=files.get(r["_batch"]))
            yield nid, attrs
    if "unresolved" in tables:  # names that could not be resolved to one entity
        for r in _rows(db, "select * from unresolved"):
            nid = r["unresolved_id"]
            if nid not in seen:
                seen.add(nid)
                yield nid, {**{c: v for c, v in r.items() if c != "unresolved_id"}, "kind": "unresolved"}


def _edge_columns(db, table: str, k) -> list[str]:
    """Stored columns an edge carries: the kind's own (no derived text, names or provenance)."""
    have = [c.name for c in db[table].columns]
    return [c for c in have if c not in SKIP_COLUMNS and not c.endswith(("_text", "_norm", "_name"))] + \
        ["_batch", "_row"]


def count_unresolved(db) -> dict[str, int]:
    """Per kind, rows naming an entity that never got an id (left out of the graph, and said so)."""
    out = {}
    tables = set(db.table_names())
    for table, k in schema.KINDS.items():
        if table not in tables:
            continue
        have = {c.name for c in db[table].columns}
        for col in k.columns:
            name = col.name[:-3] + "_name"
            if col.refs and col.name.endswith("_id") and name in have:
                n = db.execute(f"select count(*) from [{table}] where [{col.name}] is null "
                               f"and [{name}] is not null").fetchone()[0]
                if n:
                    out[table] = out.get(table, 0) + n
    return out


def iter_edges(db, window: Window = Window(), canon: dict | None = None,
               node_kind: dict | None = None) -> Iterator[tuple[str, str, str, dict]]:
    """``(u, v, key, attrs)`` of every edge the model declares, for records in the window.

    ``node_kind`` (id → kind) lets a trip sponsor that is a unit be marked ``government``.
    A row whose endpoint is empty makes no edge (see :func:`count_unresolved`).
    """
    canon = canon if canon is not None else canonical(db)
    files = store.batch_files(db)
    tables = set(db.table_names())
    node_kind = node_kind or {}
    private_memo: dict = {}
    for table, k in sorted(schema.KINDS.items(), key=lambda kv: kv[1].order):
        if not k.edges or table not in tables:
            continue
        where, params = ("", [])
        if k.date_column:
            where, params = window.sql(k.date_column, ties=k.entity)
        cols = _edge_columns(db, table, k)
        names = cols[:-2]
        ref_cols = [col.name for col in k.columns if col.refs and col.type != schema.LIST and col.name in names]
        # the official who took part in a decision: the source of the kind's decision_official edge
        approver_col = next((s.source for s in k.edges if s.kind and schema.EDGE_KINDS[s.kind].role
                             == "decision_official"), None)
        tie = k.entity and not k.node
        specs = [(spec, spec.kind and schema.EDGE_KINDS[spec.kind],
                  k.column(spec.target).type == schema.LIST) for spec in k.edges]
        cur = db.conn.execute(f"select {', '.join(f'[{c}]' for c in cols)} from [{table}]{where}", params)
        for row in cur:
            r = dict(zip(names, row))
            if canon:
                for col in ref_cols:
                    if r[col] is not None:
                        r[col] = canon.get(r[col], r[col])
            batch = row[-2]
            r.update(record_id=r[k.id_column], date=r.get(k.date_column) if k.date_column else None,
                     end_date=r.get(k.end_column) if k.end_column else None,
                     amount=r.get(k.amount_column) if k.amount_column else None,
                     currency=r.get("currency"), batch=batch, row=row[-1], source=files.get(batch))
            if tie:
                r["evidence_source"] = r.get("source")
            for i, (spec, ek, many) in enumerate(specs):
                u = r.get(spec.source)
                targets = r.get(spec.target)
                if u is None or targets is None:
                    continue
                if ek is None or ek is False:
                    ek = schema.EDGE_KINDS[schema.edge_kind_of(spec, r)]
                kind = ek.name
                for v in ([canon.get(x, x) for x in str(targets).split(";") if x] if many else (targets,)):
                    attrs = r if (len(specs) == 1 and not many) else dict(r)
                    attrs["kind"] = kind
                    if kind == "contact":
                        ch = r.get("channel")
                        if ch not in private_memo:
                            private_memo[ch] = is_private_channel(ch)
                        attrs["private"] = private_memo[ch]
                    elif kind == "trip_sponsor":
                        attrs["government"] = node_kind.get(u) == "unit"
                    elif kind == "trip_participant":
                        attrs["amount"] = None
                    elif kind == "member_of" and not k.key:
                        attrs["date"] = attrs["end_date"] = None
                    if ek.decision and approver_col:
                        attrs["approver_id"] = r.get(approver_col)
                    key = f"{kind}:{r[k.id_column]}" + (f":{v}" if many else "")
                    yield u, v, key, attrs
