"""The largest tables' rows read by a second process while this one reads the entities and the rest.

Loading the graph is the one step of an analysis that runs before anything can be shared out: about
4 s at 700,000 records, most of it turning SQLite rows into Python objects. A forked process reads
the tables :func:`share` gives it on its own read-only connection and sends their rows back; this
process builds every edge, in the model's order, so the graph is the same object for object.
"""
from __future__ import annotations

from .. import schema
from ..forking import Fetch, can_fork
from .build import TableRead

MIN_ROWS = 200_000  # fewer rows than this: a fork and the rows' trip back cost more than they save
SEND_COST = 0.3  # pickling a row, relative to reading it; unpickling here costs about half that
TAKE_COST = 0.15


def _each(path: str, reads: list[TableRead], version: str, fn, *args) -> dict | None:
    """In the forked process: ``{table: fn(connection, read, *args)}`` for each of ``reads`` on a read-only
    connection of its own, or None when the store changed since the parent looked."""
    from .. import store

    db = store.connect(path, create=False, readonly=True)
    try:
        if store.data_version(db) != version:
            return None
        return {r.table: fn(db.conn, r, *args) for r in reads}
    finally:
        db.conn.close()


def share(reads: list[TableRead], node_cells: int) -> list[TableRead]:
    """The reads to give the second process: largest first, each where it ends sooner (cost: rows × columns).

    This process starts with the entities (``node_cells``) and takes back what it gives away.
    """
    here, there, give = float(node_cells), 0.0, []
    for r in sorted(reads, key=lambda r: (-r.rows * len(r.cols), r.table)):
        cost = r.rows * len(r.cols)
        if there + cost * (1 + SEND_COST) < here + cost:
            give.append(r)
            there += cost * (1 + SEND_COST)
            here += cost * TAKE_COST
        else:
            here += cost
    return give


def node_cells(db) -> int:
    """Rows × columns of the entity tables: what reading the nodes costs this process."""
    tables = set(db.table_names())
    total = 0
    for table, k in schema.KINDS.items():
        if k.node and table in tables:
            size = db.conn.execute(f"select coalesce(max(rowid), 0) from [{table}]").fetchone()[0]
            total += size * len(db[table].columns)
    return total


class RowsAhead:
    """What a forked process computes for some reads (``fn(connection, read, *args)`` each, see :func:`start`):
    ``get(table)`` is None for a read it does not do, else a callable that waits for that read's result
    (None if the process could not do it)."""

    def __init__(self, path: str, reads: list[TableRead], version: str, fn, *args):
        self.tables = {r.table for r in reads}
        self._job = Fetch(_each, path, reads, version, fn, *args)
        self._rows: dict | None = None

    def _all(self) -> dict:
        if self._rows is None:
            try:
                self._rows = self._job.get() or {}
            except Exception:  # noqa: BLE001 - the other process failed: this one reads those tables
                self._rows = {}
        return self._rows

    def get(self, table: str):
        if table not in self.tables:
            return None
        return lambda: self._all().pop(table, None)

    def close(self) -> None:
        self._job.cancel()


def start(db, version: str, reads: list[TableRead], workers: int, fn, *args, head: int = 0) -> RowsAhead | None:
    """``fn(connection, read, *args)`` in a forked process for the reads worth giving it (:func:`share`; this
    process has ``head`` cells of its own to read first), or None for a small store, one worker, a store
    without a file, or where a fork is not safe."""
    from .. import store

    path = store.file_of(db)
    if workers < 2 or not path or sum(r.rows for r in reads) < MIN_ROWS or not can_fork():
        return None
    give = share(reads, head)
    return RowsAhead(path, give, version, fn, *args) if give else None
