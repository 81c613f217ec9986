"""The store's records as the report reads them: kinds from the model, names of ids, records dated in a
period, and the records the report cites (with source file and row)."""
from __future__ import annotations

from .. import schema, store
from .period import Period, utc_date


def _record_tables() -> dict[str, tuple]:
    """kind -> (id column, date column, amount column, from column, to column), from the model: every kind
    whose rows are records or dated ties (its first edge gives from and to)."""
    out = {}
    for kind, k in sorted(schema.KINDS.items(), key=lambda kv: (-kv[1].order, kv[0])):
        if k.node or not k.edges or not k.date_column:
            continue
        first = k.edges[0]
        out[kind] = (k.id_column, k.date_column, k.amount_column, first.source, first.target)
    return out


def _in(d: str | None, period: Period) -> bool:
    return bool(d) and period.since <= str(d)[:10] <= period.until



class Names:
    """Names (and officials' units) of entity ids, read from the store on demand, so the report needs no graph."""

    @staticmethod
    def tables() -> list[tuple]:
        """(table, id column, unit column) of every entity kind in the model."""
        return [(t, schema.KINDS[t].id_column, "unit_id" if t == "officials" else None) for t in schema.ENTITY_TABLES]

    def __init__(self, db):
        self.db = db
        self._info: dict = {}

    def load(self, ids) -> None:
        want = sorted({str(i) for i in ids if i is not None and str(i) not in self._info})
        for table, pk, unit in self.tables():
            left = [i for i in want if i not in self._info]
            if not left:
                break
            ucol = f", [{unit}] as unit_id" if unit else ", null as unit_id"
            for chunk in store.chunks(left, 500):
                marks = ",".join("?" * len(chunk))
                for r in self.db.query(f"select [{pk}] as id, name{ucol} from [{table}] where [{pk}] in ({marks})",
                                       chunk):
                    self._info[r["id"]] = (table, str(r["name"] or r["id"]), r["unit_id"])
        for i in want:
            self._info.setdefault(i, None)

    def get(self, n) -> tuple | None:
        if n is None:
            return None
        if str(n) not in self._info:
            self.load([n])
        return self._info[str(n)]

    def name(self, n) -> str | None:
        info = self.get(n)
        return info[1] if info else None

    def is_official(self, n) -> bool:
        info = self.get(n)
        return bool(info) and info[0] == "officials"

    def unit_of(self, n) -> str | None:
        info = self.get(n)
        return info[2] if info else None


def _name(names: "Names | None", n) -> str | None:
    return names.name(n) if names is not None else None


# ------------------------------------------------------------------ received

def received(db, period: Period) -> dict:
    by_date = {}
    for kind, (_, dcol, acol, _, _) in sorted(_record_tables().items()):
        row = next(db.query(f"select count(*) n from [{kind}] where [{dcol}] >= ? and [{dcol}] <= ?",
                            [period.since, period.until]))
        entry = {"records": row["n"]}
        if acol:
            amounts = {}
            for r in db.query(f"select coalesce(currency, '') cur, sum([{acol}]) s, count([{acol}]) n from [{kind}] "
                              f"where [{dcol}] >= ? and [{dcol}] <= ? group by cur order by cur",
                              [period.since, period.until]):
                if r["n"]:
                    amounts[r["cur"] or "?"] = round(r["s"] or 0.0, 2)
            entry["amount"] = amounts
        by_date[kind] = entry
    batches = []
    for b in db.query("select id, kind, file_name, rows, inserted, updated, status, finished_at from batches "
                      "where status != 'rejected' order by id"):
        if _in(utc_date(b["finished_at"]), period):
            batches.append(b)
    by_kind: dict[str, dict] = {}
    for b in batches:
        e = by_kind.setdefault(b["kind"], {"batches": 0, "rows": 0, "inserted": 0, "updated": 0,
                                           "dated_before_period": 0})
        e["batches"] += 1
        for k in ("rows", "inserted", "updated"):
            e[k] += b[k] or 0
    tables = _record_tables()
    for kind, e in by_kind.items():
        if kind in tables:
            ids = [b["id"] for b in batches if b["kind"] == kind]
            dcol = tables[kind][1]
            marks = ",".join("?" * len(ids))
            row = next(db.query(f"select count(*) n from [{kind}] where _batch in ({marks}) and [{dcol}] < ?",
                                [*ids, period.since]))
            e["dated_before_period"] = row["n"]
    return {"basis": "record_date",
            "by_record_date": by_date,
            "total": sum(e["records"] for e in by_date.values()),
            "by_batch": {"batches": len(batches), "by_kind": dict(sorted(by_kind.items())),
                         "files": [{"batch": b["id"], "kind": b["kind"], "file_name": b["file_name"],
                                    "rows": b["rows"], "loaded": utc_date(b["finished_at"])} for b in batches]}}


# ------------------------------------------------------------------ records

def lookup_records(db, ids, G: "Names | None" = None) -> dict[str, dict]:
    """Record id -> {kind, date, amount, currency, from, to, names, source_file, file_name, row, batch}."""
    want = sorted({str(i) for i in ids if i})
    files = {r["id"]: (store.display_path(db, r["path"]), r["file_name"])  # no absolute paths in outputs
             for r in db.query("select id, path, file_name from batches")}
    out: dict[str, dict] = {}
    for kind, (idc, dcol, acol, fcol, tcol) in _record_tables().items():
        left = [i for i in want if i not in out]
        if not left:
            break
        cur_col = ", currency" if acol else ", null as currency"
        amt = f", [{acol}] as amount" if acol else ", null as amount"
        for chunk in store.chunks(left, 500):
            marks = ",".join("?" * len(chunk))
            for r in db.query(f"select [{idc}] as id, [{dcol}] as date{amt}{cur_col}, [{fcol}] as a, [{tcol}] as b, "
                              f"_batch, _row from [{kind}] where [{idc}] in ({marks})", chunk):
                path, fname = files.get(r["_batch"], (None, None))
                out[r["id"]] = {"record_id": r["id"], "kind": kind, "date": r["date"], "amount": r["amount"],
                                "currency": r["currency"], "from_id": r["a"], "to_id": r["b"],
                                "from": _name(G, r["a"]) or r["a"], "to": _name(G, r["b"]) or r["b"],
                                "source_file": path, "file_name": fname, "row": r["_row"], "batch": r["_batch"]}
    return out
