"""Edges as integer arrays straight from the store: what centrality and communities compute on.

The structural measures need only who is tied to whom (and, for weighted degree, kinds and amounts):
no per-edge object is made. Vertex ids are the sorted entity ids, so the same store always gives the
same numbering. :class:`EdgeArrays` answers the few graph questions the measures ask (nodes and their
kinds, edges with kind and amount, an official's memberships) and hands igraph its endpoint arrays.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from .. import collector, schema, store
from .build import Window, canonical
from .lite import NodeView


class EdgeArrays:
    """Nodes (id, kind, name, unit) and edges (src, dst, kind code, amount, currency, record id) as arrays."""

    def __init__(self, ids: list[str], nodes: dict[str, dict], src: np.ndarray, dst: np.ndarray,
                 kind: np.ndarray, kinds: list[str], amount: np.ndarray, currency: list, record: list, **graph):
        self.ids, self.nodes = ids, NodeView(nodes)
        self.src, self.dst, self.kind, self.kinds = src, dst, kind, kinds
        self.amount, self.currency, self.record = amount, currency, record
        self.graph = dict(graph)
        self._out: dict | None = None

    # the graph questions the measures ask
    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self):
        return iter(self.ids)

    def __contains__(self, n) -> bool:
        return n in self.nodes

    def number_of_nodes(self) -> int:
        return len(self.ids)

    def number_of_edges(self) -> int:
        return len(self.src)

    def is_directed(self) -> bool:
        return True

    def is_multigraph(self) -> bool:
        return True

    def endpoint_arrays(self, exclude_kinds=frozenset()):
        """``(nodes, index, src, dst)`` for igraph: ids sorted, id → position, endpoints (minus excluded kinds)."""
        index = {n: i for i, n in enumerate(self.ids)}
        if not exclude_kinds:
            return self.ids, index, self.src, self.dst
        drop = [i for i, k in enumerate(self.kinds) if k in exclude_kinds]
        keep = ~np.isin(self.kind, drop)
        return self.ids, index, self.src[keep], self.dst[keep]

    def _data(self, i: int) -> dict:
        a = self.amount[i]
        return {"kind": self.kinds[self.kind[i]], "amount": None if a != a else float(a),
                "currency": self.currency[i], "record_id": self.record[i]}

    def edges(self, keys: bool = False, data: bool = False):
        ids = self.ids
        for i in range(len(self.src)):
            u, v = ids[self.src[i]], ids[self.dst[i]]
            if data:
                yield (u, v, f"{self.kinds[self.kind[i]]}:{self.record[i]}", self._data(i)) if keys else (u, v, self._data(i))
            else:
                yield (u, v, f"{self.kinds[self.kind[i]]}:{self.record[i]}") if keys else (u, v)

    def out_edges(self, n, data: bool = False):
        if self._out is None:
            out = defaultdict(list)
            for i, s in enumerate(self.src.tolist()):
                out[s].append(i)
            self._out = out
        pos = self.nodes.get(n, {}).get("_i")
        res = []
        for i in self._out.get(pos, ()) if pos is not None else ():
            v = self.ids[self.dst[i]]
            res.append((n, v, self._data(i)) if data else (n, v))
        return res


@collector.without_collection  # a dict per node and a record id per edge, none cyclic
def load_arrays(db, since: str | None = None, until: str | None = None, as_of: str | None = None,
                attrs: bool | str = True, workers: int = 2) -> EdgeArrays:
    """Every entity and every edge the model declares, for records in the window, as arrays.

    ``attrs="amounts"`` reads amounts but no currencies or record ids (communities' contract sums).
    ``attrs=False`` reads endpoints and kinds only (no amounts, currencies or record ids): what the
    structural measures (degree, PageRank, eigenvector, closeness, betweenness, brokerage) need.
    With ``workers`` ≥ 2 a large store's biggest edge selects are read by a forked process meanwhile
    (:mod:`graphrisk.engine.ahead`); the parts are joined in the model's order, so the arrays are the same.
    """
    from .ahead import start

    collector.release_large_blocks()  # an analysis from here on: freed arrays leave no resident pages
    version = store.data_version(db)
    win = Window(since, until, as_of)
    canon = canonical(db)
    tables = set(db.table_names())
    nodes: dict[str, dict] = {}
    for table, k in sorted(schema.KINDS.items(), key=lambda kv: kv[1].order):
        if not k.node or table not in tables:
            continue
        unit = ", unit_id" if table == "officials" else ", null"
        for nid, name, unit_id in db.execute(f"select [{k.id_column}], [{k.name_column}]{unit} from [{table}]"):
            nid = canon.get(nid, nid)
            if nid not in nodes:
                nodes[nid] = {"kind": k.node, "name": name, "unit_id": unit_id}
    if "unresolved" in tables:
        for nid, name in db.execute("select unresolved_id, name from unresolved"):
            nodes.setdefault(nid, {"kind": "unresolved", "name": name, "unit_id": None})
    ids = sorted(nodes, key=str)
    index = {n: i for i, n in enumerate(ids)}
    for n, i in index.items():
        nodes[n]["_i"] = i
    queries = spec_queries(db, win, attrs)
    ahead = start(db, version, queries, workers, spec_part, index, canon, attrs)
    try:
        there = {q.table: ahead.get(q.table) if ahead is not None else None for q in queries}
        here = {q.table: spec_part(db.conn, q, index, canon, attrs) for q in queries if there[q.table] is None}
        parts = [here.get(q.table) or there[q.table]() or spec_part(db.conn, q, index, canon, attrs)
                 for q in queries]  # this process's parts first; the other's, or read here if it failed
    finally:
        if ahead is not None:
            ahead.close()
    kinds: list[str] = []
    codes = []
    for part in parts:  # each part's kinds in the order they first occur: the codes one pass in order gives
        for ek in part["kinds"]:
            if ek not in kinds:
                kinds.append(ek)
        to_global = np.array([kinds.index(ek) for ek in part["kinds"]] or [0], dtype=np.int16)
        codes.append(to_global[part["codes"]])
    src = np.concatenate([p["a"] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    dst = np.concatenate([p["b"] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    kind = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int16)
    if attrs:
        amount = np.concatenate([p["amount"] for p in parts]) if parts else np.zeros(0)
        currency = [c for p in parts for c in p["currency"]]
        record = [r for p in parts for r in p["record"]]
    else:
        amount, currency, record = np.full(len(src), np.nan), [None] * len(src), [None] * len(src)
    return EdgeArrays(ids, nodes, src, dst, kind, kinds, amount, currency, record,
                      since=since, until=until, as_of=as_of, data_version=version)


def spec_queries(db, win: Window, attrs: bool | str) -> list:
    """One :class:`~graphrisk.engine.build.TableRead` per edge spec of every stored kind, in the model's order:
    the select of its (source, target, amount, currency, record id, relation word); ``table`` names the spec
    (``<table>#<n>``), ``n_pooled`` is 1 when its target is a list of ids."""
    from .build import TableRead

    tables = set(db.table_names())
    out = []
    for table, k in sorted(schema.KINDS.items(), key=lambda kv: kv[1].order):
        if not k.edges or table not in tables:
            continue
        where, params = win.sql(k.date_column, ties=k.entity) if k.date_column else ("", [])
        amt = f"[{k.amount_column}]" if k.amount_column and attrs else "null"
        cur = "currency" if attrs is True and any(c.name == "currency" for c in k.columns) else "null"
        size = db.conn.execute(f"select coalesce(max(rowid), 0) from [{table}]").fetchone()[0]
        for n, spec in enumerate(k.edges):
            many = k.column(spec.target).type == schema.LIST
            kcol = f"[{spec.kind_from}]" if spec.kind_from else "null"
            rid_col = f"[{k.id_column}]" if attrs is True else "null"
            sql = (f"select [{spec.source}], [{spec.target}], {amt}, {cur}, {rid_col}, {kcol} from [{table}]"
                   + (where + " and " if where else " where ") + f"[{spec.source}] is not null and "
                   f"[{spec.target}] is not null")
            out.append(TableRead(f"{table}#{n}", ("u", "v", "amount", "currency", "record", "word"), int(many),
                                 sql, tuple(params), size))
    return out


def _spec_of(q):
    table, n = q.table.rsplit("#", 1)
    return schema.KINDS[table].edges[int(n)]


def spec_part(conn, q, index: dict, canon: dict, attrs: bool) -> dict:
    """One spec's edges (the select ``q`` of :func:`spec_queries`) as arrays: endpoints (rows whose endpoint is
    no entity make no edge), its edge kinds in the order they first occur and each edge's position in them,
    and (``attrs``) amounts, currencies and record ids."""
    spec, many = _spec_of(q), bool(q.n_pooled)
    rows = conn.execute(q.sql, q.params).fetchall()
    if many or canon:  # a list of targets, or merged ids: one row at a time
        rows = [(canon.get(u, u), t, a, c, rid, word) for u, v, a, c, rid, word in rows
                for t in (v.split(";") if many else (v,)) for t in (canon.get(t, t),) if t]
    local: list[str] = []
    by_word: dict = {}
    for word in dict.fromkeys(r[5] for r in rows) if not spec.kind else (None,):
        ek = spec.kind or schema.relation_class(word or "")
        if ek not in local:
            local.append(ek)
        by_word[word] = local.index(ek)
    get = index.get
    a = np.array([get(r[0], -1) for r in rows], dtype=np.int64)
    b = np.array([get(r[1], -1) for r in rows], dtype=np.int64)
    keep = (a >= 0) & (b >= 0)
    if not keep.all():  # an endpoint that is no entity: no edge
        rows = [r for r, k in zip(rows, keep.tolist()) if k]
        a, b = a[keep], b[keep]
    part = {"a": a, "b": b, "kinds": local,
            "codes": np.zeros(len(rows), dtype=np.int64) if spec.kind
            else np.array([by_word[r[5]] for r in rows], dtype=np.int64)}
    if attrs:
        part["amount"] = np.full(len(rows), np.nan) if many else \
            np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=float)
        part["currency"] = [r[3] for r in rows]
        part["record"] = [r[4] for r in rows]
    return part

