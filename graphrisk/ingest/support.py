"""Helpers of the ingest pipeline: input files in dependency order, file hashes, rejects CSVs, index rebuilds,
the ids already stored."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import sqlite_utils

from .. import bulk, safeio, schema, store
from ..errors import InputError
from ..i18n import t
from . import readers
from .prepare import Prepared

BULK_MIN_ROWS = 5_000
PROVENANCE = ["_batch", "_row", "_hash"]  # written after a batch's stored columns, in this order


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def order_paths(paths: Iterable[str | Path], kind: str | None = None) -> tuple[list[Path], list[str]]:
    """Expand folders and sort files in dependency order; also return what was skipped and why."""
    files: list[Path] = []
    skipped: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.iterdir()):
                if f.is_dir() or not readers.is_input_file(f):
                    continue
                if readers.kind_from_name(f) is None and kind is None:
                    skipped.append(t("errors.ingest.no_match_skipped", path=f))
                    continue
                files.append(f)
        elif p.exists():
            files.append(p)
        else:
            raise InputError(t("errors.ingest.no_such_path", path=p))
    order = {k: spec.order for k, spec in schema.KINDS.items()}
    files.sort(key=lambda f: (order.get(kind or readers.kind_from_name(f) or "", 99), str(f)))
    return files, skipped


def _drop_indexes_for_bulk(conn, kind: str, incoming: int) -> list[str]:
    """Drop a table's secondary indexes before a large batch; return the SQL that rebuilds them.

    Building an index once after the insert is several times faster than
    updating it row by row. Both happen inside the batch's transaction, so a
    failure rolls the indexes back with the rows.
    """
    existing = conn.execute(f"select count(*) from [{kind}]").fetchone()[0]
    if incoming < BULK_MIN_ROWS or incoming < existing * 0.25:
        return []
    rows = conn.execute("select name, sql from sqlite_master where type = 'index' and tbl_name = ? "
                        "and sql is not null order by name", [kind]).fetchall()
    for name, _ in rows:
        conn.execute(f"drop index [{name}]")
    return [sql for _, sql in rows]


def write_rejects(prep: Prepared, table: readers.Table, rejects_dir: Path, batch_hint: str) -> str:
    reasons: dict[int, list[str]] = {}
    for p in prep.problems:
        if p.row is not None:
            reasons.setdefault(p.row, []).append(f"{p.column}: {p.message}" if p.column else p.message)
    bad = sorted(prep.bad)
    frame = table.frame.iloc[bad].copy()
    frame.insert(0, "_row", prep.rows[bad])
    frame["_problems"] = [" | ".join(reasons.get(int(r), [])) for r in prep.rows[bad]]
    path = rejects_dir / f"{table.path.stem}.{batch_hint}.rejects.csv"
    frame = frame.map(safeio.csv_cell)
    frame.columns = [safeio.csv_cell(str(c)) for c in frame.columns]
    safeio.write_text(path, frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8-sig", newline="\n")
    return str(path)


class StoredIds:
    """Which ids exist in the store: id sets loaded once per table (fast up to millions of ids).

    :meth:`of` keeps them on the Database object from one file to the next: the ingest adds the ids it wrote
    (:meth:`wrote`), and any other change to the store (another connection's commit, which moves ``PRAGMA
    data_version``, or any other write through this one, which moves ``total_changes``) loads them again.
    """

    def __init__(self, db: sqlite_utils.Database):
        self.conn = db.conn
        self._sets: dict[str, set[str]] = {}
        self._stamp = self._now()

    @classmethod
    def of(cls, db: sqlite_utils.Database) -> "StoredIds":
        """The store's id sets, loaded again only if the store changed since :meth:`wrote` last saw it."""
        ids = getattr(db, "_graphrisk_ids", None)
        if ids is None or ids.conn is not db.conn or ids._stamp != ids._now():
            ids = cls(db)
            db._graphrisk_ids = ids  # type: ignore[attr-defined]
        return ids

    def _now(self) -> tuple[int, int]:
        return self.conn.execute("pragma data_version").fetchone()[0], self.conn.total_changes

    def wrote(self, kind: str, ids: Iterable[str], created: Iterable[dict] = ()) -> None:
        """Add the ids an ingest just committed (its records', and the entities made from names: ``{"kind",
        "id"}``), then take the store as it now is."""
        made: dict[str, list] = {kind: list(ids)}
        for c in created:
            made.setdefault(c["kind"], []).append(c["id"])
        for k, new in made.items():
            if k in self._sets:
                self._sets[k].update(new)
        self._stamp = self._now()

    def ids(self, kind: str) -> set[str]:
        if kind not in self._sets:
            pk = schema.KINDS[kind].id_column
            self._sets[kind] = {r[0] for r in self.conn.execute(f"select [{pk}] from [{kind}]")}
        return self._sets[kind]

    def found(self, ids: Iterable[str], kinds: Iterable[str]) -> set[str]:
        wanted = set(ids)
        found: set[str] = set()
        for kind in kinds:
            found |= wanted & self.ids(kind)
        return found

    def existing(self, kind: str, ids: Iterable[str]) -> dict[str, tuple]:
        """id -> (hash, batch, row) for ids already stored in ``kind``."""
        hits = sorted(self.ids(kind).intersection(ids))
        if not hits:
            return {}
        pk = schema.KINDS[kind].id_column
        out = {}
        for chunk in store.chunks(hits, 900):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(f"select [{pk}], _hash, _batch, _row from [{kind}] where [{pk}] in ({marks})",
                                       chunk):
                out[r[0]] = (r[1], r[2], r[3])
        return out


def _written_columns(conn, kind: str, frame: pd.DataFrame) -> list[str]:
    """The stored columns a batch's insert names: not those missing on every row written (SQLite stores
    NULL for a column an insert leaves out, the same as binding None, for about a quarter less time at
    scale 10), unless the table gives the column a default."""
    defaults = {r[1] for r in conn.execute(f"pragma table_info([{kind}])") if r[4] is not None}
    return [c for c in frame.columns  # a value on the first row answers for most columns without a scan
            if c in defaults or (len(frame) and pd.notna(frame[c].iloc[0])) or frame[c].notna().any()]


def _row_columns(frame: pd.DataFrame, batch_id: int, rows: np.ndarray, hashes: pd.Series) -> list[np.ndarray]:
    """The stored columns, ``_batch``, ``_row`` and ``_hash`` as arrays of Python values (None if missing): a
    frame's ``itertuples`` reads Arrow-backed text cell by cell (profiled at scale 50: 4.8 s of 23 s of inserts)."""
    out = [frame[c].to_numpy(dtype=object, na_value=None) for c in frame.columns]
    out.append(np.full(len(frame), batch_id, dtype=object))
    out.append(np.asarray(rows).astype(object))
    out.append(np.asarray(hashes, dtype=object))
    return out


def _insert_chunk(conn, kind: str, col_sql: str, part: list[np.ndarray]) -> None:
    """Insert the rows whose columns are ``part``, in order, several rows per statement (:mod:`graphrisk.bulk`)."""
    bulk.insert_grid(conn, f"insert into [{kind}] ({col_sql})", part)
