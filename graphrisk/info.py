"""What the store holds, as plain data (the `graphrisk info` JSON)."""
from __future__ import annotations

import sqlite_utils

from . import store


def store_info(db: sqlite_utils.Database) -> dict:
    """``{"counts": {kind: n}, "batches": n, ...}``; kind names are those of the input format."""
    by_status = {r["status"]: r["n"] for r in db.query(
        "select status, count(*) n from batches group by status order by status")}
    return {
        "counts": store.counts(db),
        "batches": sum(by_status.values()),
        "batches_by_status": by_status,
        "date_range": store.date_range(db),
        "history": db["history"].count,
        "runs": db["runs"].count,
        "data_version": store.data_version(db),
    }
