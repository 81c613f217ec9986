"""Helpers of the ingest pipeline: input files in dependency order, file hashes, rejects CSVs, index rebuilds."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

from .. import safeio, schema
from ..errors import InputError
from ..i18n import t
from . import readers
from .prepare import Prepared

BULK_MIN_ROWS = 5_000


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
