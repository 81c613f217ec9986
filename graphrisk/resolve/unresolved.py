"""Names that could not be resolved to one entity, and linking them by hand.

A name reference that matches several entities (a homonym, two firms one typo
apart) or an official's name that matches none is never stored as NULL and
never guessed: the record points to an *unresolved node* instead, a row of the
``unresolved`` table (migration ``002_unresolved``) with the raw name, the
entity kinds it may be and the candidates with their scores. Its id is stable
(:func:`unresolved_id`): the same name in the same column kinds gets the same
node in every batch and every store.

``entity_links`` is the log of hand links (:func:`link`): ``graphrisk entities
link "NAME" ID`` points every record that used the name at the entity, records
each record's previous id, and :func:`unlink` puts them back. Rows are never
deleted. While a link is in force, ingest resolves the name to its entity.
"""
from __future__ import annotations

import hashlib
import json

import sqlite_utils

from .. import schema
from ..errors import GraphRiskError
from .aliases import canonical_map, now
from .normalize import normalize_name

TABLE = "unresolved"
LINKS = "entity_links"
PREFIX = "UNR-"


class LinkError(GraphRiskError):
    """Raised when a name cannot be linked (no record uses it, the entity's kind is not allowed) or unlinked.

    ``key`` and ``params`` name the message in the catalogue (``entities.error.<key>``) for the CLI.
    """

    def __init__(self, message: str, key: str = "", **params):
        super().__init__(message)
        self.key, self.params = key, params


def unresolved_id(name: str, kinds) -> str:
    """``UNR-<hash>`` of the normalised name and the sorted allowed kinds: stable across batches and stores."""
    key = normalize_name(name) + "|" + ",".join(sorted(set(kinds)))
    return PREFIX + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def is_unresolved(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def new_row(name: str, kinds, candidates: list[dict], reason: str) -> dict:
    """The ``unresolved`` row for ``name`` (first_batch and created_at are filled when it is written)."""
    return {
        "unresolved_id": unresolved_id(name, kinds), "name": name.strip(), "name_norm": normalize_name(name),
        "kinds": json.dumps(sorted(set(kinds))),
        "candidates": json.dumps(candidates, ensure_ascii=False),
        "reason": reason,
    }


def write_row(conn, row: dict, batch_id: int) -> None:
    """Store an unresolved node inside the caller's transaction; a name already stored keeps its first row."""
    full = {**row, "first_batch": batch_id, "created_at": now()}
    cols = list(full)
    conn.execute(f"insert or ignore into [{TABLE}] ({', '.join(f'[{c}]' for c in cols)}) "
                 f"values ({', '.join('?' * len(cols))})", [full[c] for c in cols])


def reference_columns() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(table, id column, name column, allowed kinds) of every reference that may be given as a name."""
    out = []
    for table, k in schema.KINDS.items():
        for c in k.columns:
            if c.refs and c.name.endswith("_id") and c.type != schema.LIST and c.name != k.id_column:
                out.append((table, c.name, c.name[:-3] + "_name", c.refs))
    return out


def _has(db, table: str, *cols: str) -> bool:
    if table not in db.table_names():
        return False
    have = {c.name for c in db[table].columns}
    return all(c in have for c in cols)


def references(db: sqlite_utils.Database, uid: str | None = None) -> list[dict]:
    """Records pointing to an unresolved node (one row per record and column), with their provenance."""
    out = []
    if TABLE not in db.table_names():
        return out
    for table, id_col, name_col, _ in reference_columns():
        if not _has(db, table, id_col, name_col):
            continue
        k = schema.KINDS[table]
        where = f"t.[{id_col}] = ?" if uid else f"t.[{id_col}] in (select unresolved_id from [{TABLE}])"
        sql = (f"select t.[{k.id_column}] record_id, t.[{id_col}] uid, t.[{name_col}] name, b.path, t._row "
               f"from [{table}] t left join batches b on b.id = t._batch where {where} "
               f"order by t.[{k.id_column}]")
        for r in db.query(sql, [uid] if uid else []):
            out.append({"kind": table, "record_id": r["record_id"], "column": id_col, "name_column": name_col,
                        "unresolved_id": r["uid"], "name": r["name"], "source_file": r["path"], "row": r["_row"]})
    return out


def unresolved_count(db: sqlite_utils.Database) -> int:
    """How many record references point to an unresolved name (what an analysis reports it touched)."""
    if TABLE not in db.table_names():
        return 0
    n = 0
    for table, id_col, _, _ in reference_columns():
        if _has(db, table, id_col):
            n += db.execute(f"select count(*) from [{table}] where [{id_col}] in "
                            f"(select unresolved_id from [{TABLE}])").fetchone()[0]
    return n


def summary(db: sqlite_utils.Database) -> dict:
    """{"names": unresolved names referenced, "references": record references, "by_kind": {kind: n}}."""
    refs = references(db)
    by_kind: dict[str, int] = {}
    for r in refs:
        by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + 1
    return {"names": len({r["unresolved_id"] for r in refs}), "references": len(refs), "by_kind": by_kind}


def listing(db: sqlite_utils.Database) -> list[dict]:
    """Every unresolved name still referenced, with its candidates (best first) and the records using it."""
    if TABLE not in db.table_names():
        return []
    refs: dict[str, list[dict]] = {}
    for r in references(db):
        refs.setdefault(r["unresolved_id"], []).append(r)
    out = []
    for row in db.query(f"select * from [{TABLE}] order by name_norm, unresolved_id"):
        used = refs.get(row["unresolved_id"])
        if not used:
            continue
        cands = json.loads(row["candidates"] or "[]")
        out.append({"unresolved_id": row["unresolved_id"], "name": row["name"],
                    "kinds": json.loads(row["kinds"] or "[]"), "reason": row["reason"],
                    "candidates": sorted(cands, key=lambda c: (-c.get("score", 0), c.get("id", ""))),
                    "references": used})
    return out


# ---------------------------------------------------------------- links by hand

def ensure_links(db: sqlite_utils.Database) -> None:
    db[LINKS].create({
        "id": int, "name": str, "name_norm": str, "entity_id": str, "entity_kind": str, "reason": str,
        "changes": str, "created_at": str, "undone_at": str, "undo_reason": str,
    }, pk="id", if_not_exists=True)


def _entity_kind(db, entity_id: str) -> str:
    for table in schema.ENTITY_TABLES:
        if table not in db.table_names():
            continue
        pk = schema.KINDS[table].id_column
        if db.execute(f"select 1 from [{table}] where [{pk}] = ?", [entity_id]).fetchone():
            return table
    raise LinkError(f"no entity with id '{entity_id}' in the store", "no_entity", entity=entity_id)


def active_links(db: sqlite_utils.Database) -> dict[str, tuple[str, str, int]]:
    """{normalised name: (entity id, entity kind, link id)} for links in force (the newest wins)."""
    if LINKS not in db.table_names():
        return {}
    out = {}
    for r in db.query(f"select id, name_norm, entity_id, entity_kind from [{LINKS}] "
                      f"where undone_at is null order by id"):
        out[r["name_norm"]] = (r["entity_id"], r["entity_kind"], r["id"])
    return out


def _rehash(db, table: str, pks: list[str]) -> None:
    """Recompute the content fingerprint of re-linked records, so re-ingesting them is a no-op."""
    import pandas as pd

    from ..ingest.prepare import content_hash, stored_columns

    pk = schema.KINDS[table].id_column
    cols = stored_columns(table)
    for i in range(0, len(pks), 500):
        chunk = pks[i:i + 500]
        marks = ",".join("?" * len(chunk))
        frame = pd.DataFrame(list(db.query(f"select * from [{table}] where [{pk}] in ({marks})", chunk)))
        if frame.empty:
            continue
        hashes = content_hash(frame, [c for c in cols if c in frame.columns])
        db.conn.executemany(f"update [{table}] set _hash = ? where [{pk}] = ?",
                            list(zip(hashes.tolist(), frame[pk].tolist())))


def link(db: sqlite_utils.Database, name: str, entity_id: str, reason: str = "") -> dict:
    """Point every record that gave ``name`` (compared normalised) at ``entity_id``; return the log row.

    Records whose column may not hold the entity's kind (a contract's supplier
    named like an official) are left alone and counted as ``skipped``. Refused
    when no record uses the name.
    """
    ensure_links(db)
    canon = canonical_map(db)
    target = canon.get(entity_id, entity_id)
    kind = _entity_kind(db, target)
    norm = normalize_name(name)
    if not norm:
        raise LinkError("an empty name cannot be linked", "empty_name")
    changes, skipped = [], 0
    for table, id_col, name_col, refs in reference_columns():
        if not _has(db, table, id_col, name_col):
            continue
        pk = schema.KINDS[table].id_column
        rows = db.execute(f"select [{pk}], [{id_col}], [{name_col}] from [{table}] where [{name_col}] is not null",
                          []).fetchall()
        for rid, old, given in rows:
            if normalize_name(given) != norm:
                continue
            if kind not in refs:
                skipped += 1
                continue
            if old == target:
                continue
            changes.append([table, rid, id_col, old])
    if not changes and not skipped:
        used = any(normalize_name(given) == norm for table, _, name_col, _ in reference_columns()
                   if _has(db, table, name_col)
                   for (given,) in db.execute(f"select distinct [{name_col}] from [{table}] "
                                              f"where [{name_col}] is not null").fetchall())
        if not used:
            raise LinkError(f"no record gives the name '{name}'", "no_record", name=name)
    if not changes and skipped:
        raise LinkError(f"'{name}' is only used in columns that cannot hold a {kind} entity ('{target}')",
                        "wrong_kind", name=name, kind=kind, entity=target)
    with db.conn:
        lid = db[LINKS].insert({
            "name": name, "name_norm": norm, "entity_id": target, "entity_kind": kind, "reason": reason or None,
            "changes": json.dumps(changes, ensure_ascii=False), "created_at": now(),
            "undone_at": None, "undo_reason": None,
        }).last_pk
        by_table: dict[str, list[str]] = {}
        for table, rid, id_col, _ in changes:
            pk = schema.KINDS[table].id_column
            db.conn.execute(f"update [{table}] set [{id_col}] = ? where [{pk}] = ?", [target, rid])
            by_table.setdefault(table, []).append(rid)
        for table, pks in by_table.items():
            _rehash(db, table, pks)
    return {"id": lid, "name": name, "entity_id": target, "entity_kind": kind, "records": len(changes),
            "skipped": skipped}


def unlink(db: sqlite_utils.Database, which: str, reason: str = "") -> dict:
    """Undo the newest link in force of a name (or of link id ``which``): every record gets its old id back."""
    ensure_links(db)
    if str(which).isdigit():
        row = next(db.query(f"select * from [{LINKS}] where id = ? and undone_at is null", [int(which)]), None)
    else:
        row = next(db.query(f"select * from [{LINKS}] where name_norm = ? and undone_at is null "
                            f"order by id desc limit 1", [normalize_name(which)]), None)
    if row is None:
        raise LinkError(f"no link in force for '{which}'", "no_link", name=which)
    changes = json.loads(row["changes"] or "[]")
    restored = 0
    with db.conn:
        by_table: dict[str, list[str]] = {}
        for table, rid, id_col, old in changes:
            pk = schema.KINDS[table].id_column
            cur = db.conn.execute(f"update [{table}] set [{id_col}] = ? where [{pk}] = ? and [{id_col}] = ?",
                                  [old, rid, row["entity_id"]])
            if cur.rowcount:
                restored += cur.rowcount
                by_table.setdefault(table, []).append(rid)
        for table, pks in by_table.items():
            _rehash(db, table, pks)
        db[LINKS].update(row["id"], {"undone_at": now(), "undo_reason": reason or None})
    return {"id": row["id"], "name": row["name"], "entity_id": row["entity_id"], "records": restored}


def link_log(db: sqlite_utils.Database) -> list[dict]:
    """Every hand link, newest first."""
    ensure_links(db)
    return list(db.query(f"select * from [{LINKS}] order by id desc"))
