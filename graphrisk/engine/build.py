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
from collections.abc import Mapping
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


def _rows(db, sql: str, params=()) -> Iterator[dict]:
    cur = db.conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    for row in cur:
        yield dict(zip(names, row))


def iter_nodes(db, canon: dict | None = None, pool: dict | None = None) -> Iterator[tuple[str, dict]]:
    """``(id, attrs)`` of every entity (merged ids folded into their canonical one, first row wins).

    Equal values share one object from ``pool`` (ids, words, row numbers; a normalised name equal to the
    name): 10-20 MB less at scale 10, and the records read next (:func:`iter_edges` with the same pool) reuse
    the nodes' id objects."""
    canon = canon if canon is not None else canonical(db)
    keep = (pool if pool is not None else {}).setdefault
    files = store.batch_files(db)
    seen: set = set()
    tables = set(db.table_names())
    for table, k in sorted(schema.KINDS.items(), key=lambda kv: kv[1].order):
        if not k.node or table not in tables:
            continue
        have = [c.name for c in db[table].columns]
        cols = [c for c in have if c not in SKIP_COLUMNS and c not in PRIVATE_COLUMNS and c != k.id_column]
        # text only (an int and an equal float would share one object): a kind with other columns is not pooled
        text = all(str(c.type).upper() == "TEXT" for c in db[table].columns if c.name in cols)
        attrs = (lambda r: map(keep, r[3:], r[3:])) if text else (lambda r: r[3:])
        # selected as: the id, the attributes, then provenance; each node's dict is made in one zip
        sql = (f"select [{k.id_column}], _batch, _row{''.join(f', [{c}]' for c in cols)} from [{table}]")
        keys = (*cols, "kind", "batch", "row", "source")
        node_kind, get_file = k.node, files.get
        for r in db.conn.execute(sql):
            nid = canon.get(r[0], r[0])
            if nid in seen:
                continue
            seen.add(nid)
            nid = keep(nid, nid)
            yield nid, dict(zip(keys, (*attrs(r), node_kind, r[1], keep(r[2], r[2]), get_file(r[1]))))
    if "unresolved" in tables:  # names that could not be resolved to one entity
        for r in _rows(db, "select * from unresolved"):
            nid = r["unresolved_id"]
            if nid not in seen:
                seen.add(nid)
                yield nid, {**{c: v for c, v in r.items() if c != "unresolved_id"}, "kind": "unresolved"}


def _edge_columns(db, table: str, k) -> list[str]:
    """Stored columns an edge carries: the kind's own (no derived text, names or provenance)."""
    have = [c.name for c in db[table].columns]
    return [c for c in have if c not in SKIP_COLUMNS and c not in PRIVATE_COLUMNS
            and not c.endswith(("_text", "_norm", "_name"))] + ["_batch", "_row"]


def _pooled_first(db, table: str, k, cols: list[str]) -> tuple[list[str], int]:
    """``cols`` with the columns whose values repeat (ids of endpoints, dates, words, file row numbers) first,
    and how many: rows share one object per distinct value of those (about 200 MB less at 700,000 rows),
    while a row's own id and amounts are not looked up in the pool."""
    text = {c.name for c in db[table].columns if str(c.type).upper() == "TEXT"}
    pooled = [c for c in cols if c in text and c != k.id_column] + [c for c in cols if c == "_row"]
    return pooled + [c for c in cols if c not in pooled], len(pooled)


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


class RowTable:
    """What every edge of one stored kind shares: column positions in its row tuples and derived fields."""

    __slots__ = ("table", "pos", "alias", "keys", "index", "files", "batch_i")

    def __init__(self, table: str, k, cols: list[str], files: dict):
        self.table = table
        self.pos = {c: i for i, c in enumerate(cols)}
        pos = self.pos
        b, rw = pos["_batch"], pos["_row"]

        def col(name):
            i = pos.get(name)
            return (lambda r: r[i]) if i is not None else (lambda r: None)

        approver = next((s.source for s in k.edges if s.kind and schema.EDGE_KINDS[s.kind].role
                         == "decision_official"), None)
        self.alias = {
            "record_id": col(k.id_column), "date": col(k.date_column), "end_date": col(k.end_column),
            "amount": col(k.amount_column), "currency": col("currency"), "batch": lambda r: r[b],
            "row": lambda r: r[rw], "source": lambda r: files.get(r[b]),
        }
        if approver and "approver_id" not in pos:
            self.alias["approver_id"] = col(approver)
        if k.entity and not k.node:
            self.alias["evidence_source"] = col("source")
        self.keys = tuple(c for c in cols if not c.startswith("_") and c not in self.alias) + tuple(self.alias)
        # key -> position in the row (or -1: the file of the row's batch): one dict look-up per access
        self.files, self.batch_i = files, b
        self.index = {c: i for c, i in pos.items() if not c.startswith("_")}
        for name, column in (("record_id", k.id_column), ("date", k.date_column), ("end_date", k.end_column),
                             ("amount", k.amount_column), ("currency", "currency"), ("batch", "_batch"),
                             ("row", "_row"), ("approver_id", approver if "approver_id" not in pos else "approver_id"),
                             ("evidence_source", "source" if k.entity and not k.node else None)):
            if name in self.alias:
                self.index[name] = pos[column] if column in pos else None
        self.index["source"] = -1


class EdgeData(Mapping):
    """The attributes of one edge, read from its stored row on access (no dict per edge).

    Behaves as the attribute dict networkx would hold (``d["kind"]``, ``d.get("amount")``); a write
    makes the edge's own copy of its derived fields, never touching the row.
    """

    __slots__ = ("_t", "_r", "_x")

    def __init__(self, table: RowTable, row: tuple, derived: dict):
        self._t, self._r, self._x = table, row, derived

    def __getitem__(self, key):
        x = self._x
        if key in x:
            return x[key]
        t = self._t
        i = t.index[key]  # KeyError for a key the edge does not have
        if i is None:
            return None
        if i < 0:  # "source": the file the row came from (relations also have a "source" column: evidence_source)
            return t.files.get(self._r[t.batch_i])
        return self._r[i]

    def get(self, key, default=None):
        x = self._x
        if key in x:
            return x[key]
        t = self._t
        i = t.index.get(key, default)
        if i is default:
            return default
        if i is None:
            return None
        if i < 0:
            return t.files.get(self._r[t.batch_i])
        return self._r[i]

    def __contains__(self, key) -> bool:
        return key in self._x or key in self._t.index

    def __iter__(self):
        seen = set(self._x)
        yield from self._x
        for k in self._t.keys:
            if k not in seen:
                yield k

    def __len__(self) -> int:
        return len(set(self._x) | set(self._t.keys))

    def copy(self) -> dict:
        """A plain dict of every attribute (as ``dict.copy`` gives for networkx's edge data), built in one
        comprehension: ``{**d}`` would call back into Python for every key."""
        t, r = self._t, self._r
        index, b = t.index, t.batch_i
        out = {k: (None if (i := index[k]) is None else r[i] if i >= 0 else t.files.get(r[b])) for k in t.keys}
        out.update(self._x)
        return out

    def __setitem__(self, key, value) -> None:
        self._x = {**self._x, key: value}

    def __repr__(self) -> str:
        return repr(dict(self))


def _derive(derived, kind: str, k) -> dict:
    """The derived fields of an edge kind that do not depend on its row."""
    if kind == "trip_participant":
        return derived(kind, amount=None)
    if kind == "member_of" and not k.key:
        return derived(kind, date=None, end_date=None)
    return derived(kind)


def _fast_edges(rows: list, plan: list, meta: RowTable, id_i: int, derived, node_kind: dict, ch_i, cols,
                k) -> list | None:
    """The edges of a table's rows, as :func:`iter_edges` makes them one by one, in list comprehensions:
    each spec's derived fields are looked up per distinct value (channel, relation word, sponsor kind).
    None when a relation word makes a kind whose fields depend on more than that (then the row loop runs).
    """
    per_spec = []
    for si, ti, spec, ek, _many, x in plan:
        if x is not None:
            xs = [x] * len(rows)
        elif ek is not None and ek.name == "contact":
            by = {ch: derived("contact", private=schema.is_private_channel(ch)) for ch in {r[ch_i] for r in rows}}
            xs = [by[r[ch_i]] for r in rows]
        elif ek is not None and ek.name == "trip_sponsor":
            by = {gov: derived("trip_sponsor", government=gov) for gov in (True, False)}
            kind_of = node_kind.get
            xs = [by[kind_of(r[si]) == "unit"] for r in rows]
        else:  # the kind comes from a column (a relation word)
            col = cols.index(spec.kind_from) if spec.kind_from in cols else None
            by = {}
            for word in {r[col] for r in rows} if col is not None else {None}:
                kind = schema.edge_kind_of(spec, {spec.kind_from: word})
                if kind in ("contact", "trip_sponsor"):
                    return None
                by[word] = _derive(derived, kind, k)
            xs = [by[r[col]] for r in rows] if col is not None else [by[None]] * len(rows)
        per_spec.append((si, ti, xs))
    if len(per_spec) == 1:
        [(si, ti, xs)] = per_spec
        return [(r[si], r[ti], f"{x['kind']}:{r[id_i]}", EdgeData(meta, r, x)) for r, x in zip(rows, xs)
                if r[si] is not None and r[ti] is not None]
    return [(r[si], r[ti], f"{x['kind']}:{r[id_i]}", EdgeData(meta, r, x))
            for n, r in enumerate(rows) for si, ti, xs in per_spec for x in (xs[n],)
            if r[si] is not None and r[ti] is not None]


@dataclass(frozen=True)
class TableRead:
    """How one stored kind's edge rows are read: its columns (the pooled text ones first) and the select."""

    table: str
    cols: tuple
    n_pooled: int
    sql: str
    params: tuple
    rows: int  # an estimate of its row count (its largest rowid), to share reads between processes


def edge_reads(db, window: Window = Window()) -> list[TableRead]:
    """The :class:`TableRead` of every stored kind that makes edges, in the model's order."""
    tables = set(db.table_names())
    out = []
    for table, k in sorted(schema.KINDS.items(), key=lambda kv: kv[1].order):
        if not k.edges or table not in tables:
            continue
        where, params = ("", [])
        if k.date_column:
            where, params = window.sql(k.date_column, ties=k.entity)
        cols, n_pooled = _pooled_first(db, table, k, _edge_columns(db, table, k))
        size = db.conn.execute(f"select coalesce(max(rowid), 0) from [{table}]").fetchone()[0]
        out.append(TableRead(table, tuple(cols), n_pooled,
                             f"select {', '.join(f'[{c}]' for c in cols)} from [{table}]{where}", tuple(params),
                             size))
    return out


def read_rows(conn, read: TableRead, pool: dict) -> list[tuple]:
    """A table's rows, each repeated text value (ids, dates, words) one shared object from ``pool``."""
    keep, n = pool.setdefault, read.n_pooled  # one object per distinct id, date or word: rows share them
    return [tuple(map(keep, row[:n], row)) + row[n:] for row in conn.execute(read.sql, read.params)]


def iter_edges(db, window: Window = Window(), canon: dict | None = None,
               node_kind: dict | None = None, rows_from=None,
               reads: list[TableRead] | None = None, pool: dict | None = None,
               amounts: dict | None = None) -> Iterator[tuple[str, str, str, EdgeData]]:
    """``(u, v, key, attrs)`` of every edge the model declares, for records in the window.

    ``node_kind`` (id → kind) lets a trip sponsor that is a unit be marked ``government``.
    A row whose endpoint is empty makes no edge (see :func:`count_unresolved`).
    ``rows_from.get(table)`` (a callable giving :func:`read_rows`' list, or None: read here) hands over rows
    another process read (:mod:`graphrisk.engine.ahead`): this process builds its own tables' edges first.
    ``reads``: :func:`edge_reads` of the window, when already made. ``pool``: :func:`iter_nodes`' (else one
    made of the node ids): the rows reuse the nodes' objects. ``amounts``: filled with the register's own
    amounts as the edges are made (:func:`graphrisk.rules.amounts.add_table_amounts`).
    """
    canon = canon if canon is not None else canonical(db)
    files = store.batch_files(db)
    node_kind = node_kind or {}
    if pool is None:
        pool = {n: n for n in node_kind}  # node ids: the rows reuse the nodes' string objects
    reads = reads if reads is not None else edge_reads(db, window)
    seen: dict = {}
    if amounts is not None:
        from ..rules.amounts import add_table_amounts

    def out(edges: list) -> list:  # in the model's order: a record's first edge is the one counted
        if amounts is not None:
            add_table_amounts(edges, amounts, seen)
        return edges

    if not rows_from:
        for read in reads:
            yield from out(_table_edges(read, read_rows(db.conn, read, pool), files, canon, node_kind))
        return
    done = {r.table: _table_edges(r, read_rows(db.conn, r, pool), files, canon, node_kind)
            for r in reads if rows_from.get(r.table) is None}
    for read in reads:
        if read.table in done:
            yield from out(done.pop(read.table))
            continue
        rows = rows_from.get(read.table)()
        if rows is None:  # the other process could not read it
            rows = read_rows(db.conn, read, pool)
        yield from out(_table_edges(read, rows, files, canon, node_kind))


def _table_edges(read: TableRead, rows: list, files: dict, canon: dict, node_kind: dict) -> list:
    """The edges of one table's rows (see :func:`iter_edges`)."""
    table, cols = read.table, list(read.cols)
    k = schema.KINDS[table]
    meta = RowTable(table, k, cols, files)
    pos = meta.pos
    ref_idx = [pos[c.name] for c in k.columns if c.refs and c.type != schema.LIST and c.name in pos]
    tie = k.entity and not k.node
    id_i = pos[k.id_column]
    specs = []
    for spec in k.edges:
        ek = schema.EDGE_KINDS[spec.kind] if spec.kind else None
        specs.append((pos[spec.source], pos[spec.target], spec, ek, k.column(spec.target).type == schema.LIST))
    shared: dict = {}  # derived fields shared by every edge with the same values

    def derived(kind: str, **extra) -> dict:
        key = (kind, *sorted(extra.items()))
        d = shared.get(key)
        if d is None:
            d = shared[key] = {"kind": kind, **({"tie": True} if tie else {}), **extra}
        return d

    # per spec: the derived fields when they do not depend on the row (most kinds), else None
    fixed = []
    for si, ti, spec, ek, many in specs:
        kind = ek.name if ek else None
        if kind is None or kind in ("contact", "trip_sponsor"):
            fixed.append(None)
        else:
            fixed.append(_derive(derived, kind, k))
    plan = [(*s, x) for s, x in zip(specs, fixed)]
    ch_i = pos.get("channel")
    if not canon and not any(many for *_, many in specs):  # the common case, in comprehensions
        fast = _fast_edges(rows, plan, meta, id_i, derived, node_kind, ch_i, cols, k)
        if fast is not None:
            return fast
    out = []
    private_memo: dict = {}
    for row in rows:
        if canon:
            row = tuple(canon.get(v, v) if i in ref_idx and v is not None else v for i, v in enumerate(row))
        rid = row[id_i]
        for si, ti, spec, ek, many, x in plan:
            u, targets = row[si], row[ti]
            if u is None or targets is None:
                continue
            if x is not None:
                kind = x["kind"]
            else:
                kind = ek.name if ek else schema.edge_kind_of(spec, dict(zip(cols, row)))
                if kind == "contact":
                    ch = row[ch_i]
                    if ch not in private_memo:
                        private_memo[ch] = schema.is_private_channel(ch)
                    x = derived(kind, private=private_memo[ch])
                elif kind == "trip_sponsor":
                    x = derived(kind, government=node_kind.get(u) == "unit")
                else:
                    x = _derive(derived, kind, k)
            if many:
                for v in str(targets).split(";"):
                    if v:
                        v = canon.get(v, v)
                        out.append((u, v, f"{kind}:{rid}:{v}", EdgeData(meta, row, x)))
            else:
                out.append((u, targets, f"{kind}:{rid}", EdgeData(meta, row, x)))
    return out
