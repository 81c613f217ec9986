"""Entities in the store as :class:`~graphrisk.resolve.records.Record` lists, with graph neighbours."""
from __future__ import annotations

from collections import defaultdict

from .. import schema
from .aliases import canonical_map
from .records import Record

# Record field -> stored column, taken from every entity kind that has the column.
_FIELD_COLUMNS = {"id_number": "id_number", "registration_no": "registration_no", "region": "region",
                  "unit": "unit_id"}


def _fields(kind: str) -> dict[str, str]:
    cols = set(schema.KINDS[kind].column_names)
    return {f: c for f, c in _FIELD_COLUMNS.items() if c in cols and c != schema.KINDS[kind].id_column}


def records_from_store(db, kinds: tuple[str, ...] | list[str], *, with_neighbours: bool = False,
                       canonical_only: bool = True) -> list[Record]:
    """Entity rows of ``kinds`` as records; merged-away entities are left out when ``canonical_only``."""
    aliases = canonical_map(db) if canonical_only else {}
    nbrs = neighbours_from_store(db) if with_neighbours else {}
    out: list[Record] = []
    tables = set(db.table_names())
    for kind in kinds:
        if kind not in tables or kind not in schema.KINDS:
            continue
        k = schema.KINDS[kind]
        fields = _fields(kind)
        cols = [k.id_column, k.name_column] + list(fields.values())
        sql = "select " + ", ".join(f"[{c}]" for c in cols) + f" from [{kind}]"
        for row in db.execute(sql).fetchall():
            rid = row[0]
            if rid in aliases:
                continue
            kw = {f: row[2 + n] for n, f in enumerate(fields)}
            out.append(Record(rid, row[1] or "", kind, neighbours=frozenset(nbrs.get(rid, ())), **kw))
    return out


def _edge_columns() -> list[tuple[str, str, str]]:
    """(table, source column, target column) of every edge the model declares (list columns left out)."""
    out = []
    for name, k in schema.KINDS.items():
        for e in k.edges:
            cols = {c.name: c for c in k.columns}
            src, dst = cols.get(e.source), cols.get(e.target)
            if src is None or dst is None or schema.LIST in (src.type, dst.type):
                continue
            out.append((name, e.source, e.target))
    return out


def neighbours_from_store(db) -> dict[str, set[str]]:
    """Entity id -> ids it is directly tied to by any edge of the model (gifts, contracts, ties, ...)."""
    canon = canonical_map(db)
    out: dict[str, set[str]] = defaultdict(set)
    tables = set(db.table_names())
    for table, a, b in _edge_columns():
        if table not in tables:
            continue
        for x, y in db.execute(f"select distinct [{a}], [{b}] from [{table}] "
                               f"where [{a}] is not null and [{b}] is not null").fetchall():
            x, y = canon.get(x, x), canon.get(y, y)
            out[x].add(y)
            out[y].add(x)
    return out
