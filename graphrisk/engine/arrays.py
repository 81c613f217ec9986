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
                attrs: bool = True) -> EdgeArrays:
    """Every entity and every edge the model declares, for records in the window, as arrays.

    ``attrs=False`` reads endpoints and kinds only (no amounts, currencies or record ids): what the
    structural measures (degree, PageRank, eigenvector, closeness, betweenness, brokerage) need.
    """
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
    kinds: list[str] = []
    srcs, dsts, codes, amounts = [], [], [], []
    currency, record = [], []
    for table, k in sorted(schema.KINDS.items(), key=lambda kv: kv[1].order):
        if not k.edges or table not in tables:
            continue
        where, params = win.sql(k.date_column, ties=k.entity) if k.date_column else ("", [])
        amt = f"[{k.amount_column}]" if k.amount_column and attrs else "null"
        cur = "currency" if attrs and any(c.name == "currency" for c in k.columns) else "null"
        for spec in k.edges:
            many = k.column(spec.target).type == schema.LIST
            kcol = f"[{spec.kind_from}]" if spec.kind_from else "null"
            rid_col = f"[{k.id_column}]" if attrs else "null"
            sql = (f"select [{spec.source}], [{spec.target}], {amt}, {cur}, {rid_col}, {kcol} from [{table}]"
                   + (where + " and " if where else " where ") + f"[{spec.source}] is not null and "
                   f"[{spec.target}] is not null")
            rows = db.execute(sql, params).fetchall()
            if many or canon:  # a list of targets, or merged ids: one row at a time
                rows = [(canon.get(u, u), t, a, c, rid, word) for u, v, a, c, rid, word in rows
                        for t in (v.split(";") if many else (v,)) for t in (canon.get(t, t),) if t]
            # one code per distinct relation word (or the spec's fixed kind), first seen first
            by_word: dict = {}
            for word in dict.fromkeys(r[5] for r in rows) if not spec.kind else (None,):
                ek = spec.kind or schema.relation_class(word or "")
                if ek not in kinds:
                    kinds.append(ek)
                by_word[word] = kinds.index(ek)
            get = index.get
            a = np.array([get(r[0], -1) for r in rows], dtype=np.int64)
            b = np.array([get(r[1], -1) for r in rows], dtype=np.int64)
            keep = (a >= 0) & (b >= 0)
            if not keep.all():  # an endpoint that is no entity: no edge
                rows = [r for r, k in zip(rows, keep.tolist()) if k]
                a, b = a[keep], b[keep]
            srcs.append(a)
            dsts.append(b)
            codes.append(np.full(len(rows), by_word[None], dtype=np.int16) if spec.kind
                         else np.array([by_word[r[5]] for r in rows], dtype=np.int16))
            if attrs:
                amounts.append(np.full(len(rows), np.nan) if many else
                               np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=float))
                currency.extend([r[3] for r in rows])
                record.extend([r[4] for r in rows])
    src = np.concatenate(srcs) if srcs else np.zeros(0, dtype=np.int64)
    dst = np.concatenate(dsts) if dsts else np.zeros(0, dtype=np.int64)
    kind = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int16)
    amount = np.concatenate(amounts) if amounts else np.zeros(0)
    if not attrs:
        amount, currency, record = np.full(len(src), np.nan), [None] * len(src), [None] * len(src)
    return EdgeArrays(ids, nodes, src, dst, kind, kinds, amount, currency, record,
                      since=since, until=until, as_of=as_of, data_version=version)
