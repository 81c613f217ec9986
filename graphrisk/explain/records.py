"""Reading one official's case from the store: entity names and kinds (:class:`Names`), records of any kind
with their provenance and parties (:class:`Records`), the official with their units over time, and the
merges of entity resolution."""
from __future__ import annotations

from .. import schema, store
from ..errors import NotFound
from ..findings import ConflictPath
from ..i18n import t
from .model import CaseRecord

# Columns shown as a record's "what" (data values, in this order), when present.
_DETAIL_COLUMNS = ("title", "description", "purpose", "destination", "decision_type", "role", "method",
                   "channel", "location", "relation", "share_pct", "declared", "reported", "in_plan", "note")


class Names:
    """Names and kinds of entity ids, read from the store's entity tables (any kind in the model)."""

    def __init__(self, db):
        self.db = db
        self._info: dict[str, tuple[str, str]] = {}

    def load(self, ids) -> None:
        want = sorted({str(i) for i in ids if i} - set(self._info))
        for table in schema.ENTITY_TABLES:
            if not want:
                break
            k = schema.KINDS[table]
            if table not in self.db.table_names():
                continue
            node = k.node or table
            for i in range(0, len(want), 500):
                chunk = want[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for r in self.db.query(f"select [{k.id_column}] as id, [{k.name_column}] as name from [{table}] "
                                       f"where [{k.id_column}] in ({marks})", chunk):
                    self._info[str(r["id"])] = (node, str(r["name"] or r["id"]))
            want = [w for w in want if w not in self._info]

    def name(self, n) -> str:
        if not n:
            return ""
        if str(n) not in self._info:
            self.load([n])
        return self._info.get(str(n), ("", str(n)))[1]

    def kind(self, n) -> str | None:
        if not n:
            return None
        if str(n) not in self._info:
            self.load([n])
        info = self._info.get(str(n))
        return info[0] if info else None

    def entity(self, n) -> dict:
        return {"id": n, "name": self.name(n), "kind": self.kind(n)}



def _role_of(kind: str, row: dict) -> tuple[str, list[str]]:
    k = schema.KINDS[kind]
    kinds = []
    for spec in k.edges:
        if row.get(spec.source) and row.get(spec.target):
            kinds.append(schema.edge_kind_of(spec, row))
    if not kinds:
        kinds = [schema.edge_kind_of(s, row) for s in k.edges]
    roles = [schema.EDGE_KINDS[e].role for e in kinds if e in schema.EDGE_KINDS]
    for want, role in (("decision_unit", "decision"), ("decision_official", "decision"), ("benefit", "benefit"),
                       ("tie", "tie"), ("membership", "membership")):
        if want in roles:
            return role, kinds
    return "other", kinds


class Records:
    """Reads records of any kind in the model from the store, with provenance and party names."""

    def __init__(self, db, names: Names):
        self.db = db
        self.names = names
        self.tables = set(db.table_names())
        self.files = {r["id"]: (store.display_path(db, r["path"]), r["file_name"])  # no absolute paths in outputs
                      for r in db.query("select id, path, file_name from batches")}
        self.kinds = [k for k in (*schema.RECORD_KINDS, *schema.TIE_KINDS) if k in self.tables]

    def _make(self, kind: str, r: dict) -> CaseRecord:
        k = schema.KINDS[kind]
        parties, seen = [], set()
        for spec in k.edges:
            for col in (spec.source, spec.target):
                col_type = k.column(col).type if col in k.column_names else schema.STR
                values = (r.get(col) or "").split(";") if col_type == schema.LIST else [r.get(col)]
                for v in values:
                    v = (v or "").strip() if isinstance(v, str) else v
                    if v and (col, v) not in seen:
                        seen.add((col, v))
                        parties.append({**self.names.entity(v), "column": col})
        role, edge_kinds = _role_of(kind, r)
        detail = {c: r[c] for c in _DETAIL_COLUMNS if c in r and r[c] not in (None, "")}
        path, fname = self.files.get(r.get("_batch"), (None, None))
        amount_col = k.amount_column
        return CaseRecord(
            record_id=str(r[k.id_column]), kind=kind, role=role, edge_kinds=edge_kinds,
            date=r.get(k.date_column) if k.date_column else None,
            end_date=r.get(k.end_column) if k.end_column else None,
            amount=r.get(amount_col) if amount_col else None,
            currency=r.get("currency") if amount_col else None, parties=parties, detail=detail,
            source_file=path, file_name=fname, row=r.get("_row"), batch=r.get("_batch"))

    def by_ids(self, ids) -> dict[str, CaseRecord]:
        """Record id -> record, looking in every record and tie kind (ids are unique per kind)."""
        want = sorted({str(i) for i in ids if i})
        out: dict[str, CaseRecord] = {}
        for kind in self.kinds:
            left = [i for i in want if i not in out]
            if not left:
                break
            idc = schema.KINDS[kind].id_column
            for i in range(0, len(left), 500):
                chunk = left[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for r in self.db.query(f"select * from [{kind}] where [{idc}] in ({marks})", chunk):
                    out.setdefault(str(r[idc]), self._make(kind, r))
        return out

    def where(self, kind: str, clause: str, params: list) -> list[CaseRecord]:
        if kind not in self.tables:
            return []
        return [self._make(kind, r) for r in self.db.query(f"select * from [{kind}] where {clause}", params)]



def official_of(db, official_id: str, names: Names) -> dict:
    """Who the official is: name, position, rank and units (their own unit, then memberships over time)."""
    k = schema.KINDS["officials"]
    row = next(db.query(f"select * from officials where [{k.id_column}] = ?", [official_id]), None)
    if row is None:
        raise NotFound(t("explain.error.unknown_official", official_id=official_id))
    units = []
    if row.get("unit_id"):
        units.append({"unit_id": row["unit_id"], "name": names.name(row["unit_id"]), "role": row.get("position"),
                      "start_date": None, "end_date": None, "source": "officials"})
    if "memberships" in db.table_names():
        for m in db.query("select * from memberships where official_id = ? order by coalesce(start_date, ''), unit_id",
                          [official_id]):
            if m["unit_id"] == row.get("unit_id") and not (m.get("start_date") or m.get("end_date") or m.get("role")):
                continue
            units.append({"unit_id": m["unit_id"], "name": names.name(m["unit_id"]), "role": m.get("role"),
                          "start_date": m.get("start_date"), "end_date": m.get("end_date"), "source": "memberships"})
    return {"id": official_id, "name": row.get("name") or official_id, "position": row.get("position"),
            "rank": row.get("rank"), "units": units}


def canonical_ids(db) -> dict[str, str]:
    """Merged id -> the id it was merged into (entity resolution); {} for a store without merges."""
    try:
        from ..engine.build import canonical
    except ImportError:
        return {}
    return canonical(db)


def path_dict(p: ConflictPath, names: Names) -> dict:
    """A conflict path as JSON, with the names and kinds of its nodes and unit."""
    d = p.to_dict()
    d["node_info"] = [names.entity(n) for n in p.nodes]
    d["unit"] = names.entity(p.unit_id) if p.unit_id else None
    return d
