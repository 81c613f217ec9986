"""The merge tables and the alias map every reader follows (merged-away id → canonical id).

- ``entity_merges``: the log. One row per merge: kind, keep_id, merged_id,
  score, reason, evidence (JSON), created_at, and undone_at / undo_reason
  once undone. Rows are never deleted.
- ``entity_aliases``: the current state, ``alias_id → canonical_id`` (with the
  merge id that made it). Unmerging removes the alias row; the log keeps it.
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlite_utils

MERGES, ALIASES = "entity_merges", "entity_aliases"


def now() -> str:
    """UTC time stamp of a log row (the store's format)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ensure_tables(db: sqlite_utils.Database) -> None:
    db[MERGES].create({
        "id": int, "kind": str, "keep_id": str, "merged_id": str, "score": float, "reason": str,
        "evidence": str, "created_at": str, "undone_at": str, "undo_reason": str,
    }, pk="id", if_not_exists=True)
    db[ALIASES].create({"alias_id": str, "canonical_id": str, "kind": str, "merge_id": int},
                       pk="alias_id", if_not_exists=True)


def canonical_map(db: sqlite_utils.Database) -> dict[str, str]:
    """{alias_id: canonical_id} for every merged-away entity, chains (A→B→C) followed to the end."""
    if ALIASES not in db.table_names():
        return {}
    direct = {a: c for a, c in db.execute(f"select alias_id, canonical_id from [{ALIASES}]").fetchall()}
    out = {}
    for a in direct:
        c, seen = direct[a], {a}
        while c in direct and c not in seen:
            seen.add(c)
            c = direct[c]
        out[a] = c
    return out


def canonical_id(db: sqlite_utils.Database, entity_id: str) -> str:
    return canonical_map(db).get(entity_id, entity_id)
