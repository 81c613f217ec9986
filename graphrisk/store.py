"""The embedded SQLite store: open, migrate, and the small queries everything shares.

One table per kind of the input format (columns as in ``schema.KINDS``), plus
``batches`` (one row per ingested file), ``history`` (previous versions of
updated records) and ``runs`` (one row per stored analysis). Every stored
record carries its provenance: ``_batch`` (the batch id, whose row names the
source file and its sha256) and ``_row`` (the row number in that file, the
header being row 1).
"""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import sqlite_utils

from . import schema
from .dbconn import (ENV_KEY, ENV_KEY_FILE, _driver, _t, begin_write, configure, factory,  # noqa: F401 (API)
                     encryption_key, file_of, is_db_error, limits as _limits, track)
from .errors import NotFound, StoreError
from .store_results import m005_results, m006_centrality_index, m007_communities_index

ENV_DB = "GRAPHRISK_DB"
DEFAULT_DB = Path("outputs") / "graphrisk.db"

SQL_TYPES = {
    schema.STR: str, schema.NAME: str, schema.DATE: str, schema.LIST: str,
    schema.AMOUNT: float, schema.PCT: float, schema.BOOL: int,
}
PROVENANCE = {"_batch": int, "_row": int, "_hash": str}


PAGE_SIZE = 16384  # a new store's pages: a bulk ingest writes its tables and rebuilds its indexes about a
# tenth faster than with SQLite's 4,096 (the ingest's writes at scale 10: 3.6 s against 4.0-4.2 s), and whole
# tables read back no slower; a store made before keeps its own size


def default_path() -> Path:
    return Path(os.environ.get(ENV_DB) or DEFAULT_DB)


def table_columns(kind: str) -> dict[str, type]:
    """Stored columns of a kind: the spec's columns, derived ones, then provenance."""
    k = schema.KINDS[kind]
    cols: dict[str, type] = {}
    if k.key:
        cols[k.id_column] = str
    for c in k.columns:
        cols[c.name] = SQL_TYPES[c.type]
        if c.type == schema.NAME:
            cols[c.name + "_norm"] = str
        if c.type == schema.AMOUNT:
            cols[c.name + "_text"] = str
        if c.refs and c.name.endswith("_id") and c.type != schema.LIST:
            cols[c.name[:-3] + "_name"] = str  # the name as given, when the source had no id
    if kind == "relations":
        cols["relation_raw"] = str
    cols["_extra"] = str  # columns the spec does not name, kept as JSON
    cols.update(PROVENANCE)
    return cols


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- migrations

INDEXED = {  # columns the engine and the rules look up by, besides ids, names and provenance
    "relations": ["from_id", "to_id"], "contacts": ["official_id", "counterpart_id", "date"],
    "gifts": ["giver_id", "recipient_id", "date"], "trips": ["official_id", "sponsor_id"],
    "contracts": ["unit_id", "supplier_id", "date"], "officials": ["unit_id"],
    "memberships": ["official_id", "unit_id"], "decisions": ["unit_id", "official_id", "beneficiary_id", "date"],
}


def sync_model(db: sqlite_utils.Database) -> list[str]:
    """Create the table of every kind in the model that the store lacks, and add missing columns.

    Runs on every open, so a kind or column added to the model (``schema.extend``) is stored
    without a hand-written migration. Returns what it changed.
    """
    changed = []
    existing = set(db.table_names())
    for kind, k in schema.KINDS.items():
        cols = table_columns(kind)
        if kind not in existing:
            with db.conn:
                db[kind].create(cols, pk=k.id_column)
                db[kind].create_index(["_batch"])
                for c in INDEXED.get(kind, []):
                    db[kind].create_index([c])
                if k.name_column:
                    db[kind].create_index([k.name_column + "_norm"])
            changed.append(kind)
            continue
        have = {c.name for c in db[kind].columns}
        for c, t in cols.items():
            if c not in have:
                with db.conn:
                    db[kind].add_column(c, t)
                changed.append(f"{kind}.{c}")
    return changed


def _m001_core(db: sqlite_utils.Database) -> None:
    db["batches"].create({
        "id": int, "path": str, "file_name": str, "sha256": str, "kind": str,
        "rows": int, "inserted": int, "updated": int, "unchanged": int, "duplicates": int,
        "rejected": int, "status": str, "options": str,
        "started_at": str, "finished_at": str, "seconds": float,
    }, pk="id")
    db["batches"].create_index(["sha256"])
    sync_model(db)
    db["history"].create({
        "id": int, "kind": str, "record_id": str, "data": str,
        "replaced_by_batch": int, "replaced_at": str,
    }, pk="id")
    db["history"].create_index(["kind", "record_id"])
    db["runs"].create({
        "id": int, "kind": str, "created_at": str, "as_of": str, "since": str, "until": str,
        "params": str, "settings": str, "data_version": str, "seconds": float,
    }, pk="id")
    db["runs"].create_index(["kind", "as_of"])


def _m002_unresolved(db: sqlite_utils.Database) -> None:
    """Names that could not be resolved to one entity: the node a record points to instead of NULL.

    ``unresolved_id`` is stable (``UNR-`` + a hash of the normalised name and the allowed kinds);
    ``kinds`` and ``candidates`` are JSON (see graphrisk.resolve.unresolved).
    """
    db["unresolved"].create({
        "unresolved_id": str, "name": str, "name_norm": str, "kinds": str, "candidates": str,
        "reason": str, "first_batch": int, "created_at": str,
    }, pk="unresolved_id", if_not_exists=True)
    db["unresolved"].create_index(["name_norm"], if_not_exists=True)


def _m003_audit(db: sqlite_utils.Database) -> None:
    """The append-only, hash-chained audit log (see graphrisk.audit): triggers refuse UPDATE and DELETE."""
    db["audit"].create({
        "id": int, "at": str, "user": str, "host": str, "pid": int, "command": str, "params": str,
        "store": str, "data_version": str, "outputs": str, "status": int, "message": str,
        "prev_hash": str, "hash": str,
    }, pk="id", if_not_exists=True)
    for op in ("UPDATE", "DELETE"):
        db.conn.execute(f"CREATE TRIGGER IF NOT EXISTS audit_no_{op.lower()} BEFORE {op} ON audit "
                        f"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


def _m004_triage(db: sqlite_utils.Database) -> None:
    """Investigators' triage steps on findings (see graphrisk.triage): appended, never changed."""
    db["triage"].create({"id": int, "finding_id": str, "official_id": str, "rule": str, "status": str,
                         "note": str, "user": str, "at": str, "evidence": str, "run_id": int},
                        pk="id", if_not_exists=True)
    db["triage"].create_index(["finding_id"], if_not_exists=True)
    db["triage"].create_index(["official_id"], if_not_exists=True)


# Append only: (name, function). A function runs once per database, in order.
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("001_core", _m001_core),
    ("005_results", m005_results),
    ("002_unresolved", _m002_unresolved),
    ("003_audit", _m003_audit),
    ("004_triage", _m004_triage),
    ("006_centrality_index", m006_centrality_index),
    ("007_communities_index", m007_communities_index),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this database has not had yet; return their names."""
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = {r["name"] for r in db["_migrations"].rows}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            fn(db)
            db["_migrations"].insert({"name": name, "applied_at": now()})
        applied.append(name)
    return applied


def _private() -> bool:
    from . import safeio

    return safeio.private()


def connect(path: str | os.PathLike | None = None, *, create: bool = True,
            readonly: bool | None = None) -> sqlite_utils.Database:
    """Open (creating if asked) the store at ``path``, in WAL mode, migrated to the current schema.

    A store that cannot be written (a read-only file or folder, ``readonly=True``)
    opens read-only for the commands that only read. A new store is created
    0600 in a folder created 0700 (``[security] private_files``). Waits for
    another process's lock at most ``[limits] lock_timeout`` seconds.
    """
    import time

    p = Path(path) if path else default_path()
    if not create and not p.exists():
        raise StoreError(_t("errors.store.none", path=p))
    if p.is_dir():
        raise StoreError(_t("errors.store.is_folder", path=p))
    timeout = float(_limits().get("lock_timeout", 120.0))
    key = encryption_key()
    driver = _driver(key)
    folder = p.parent if str(p.parent) else Path(".")
    if readonly is None:
        readonly = p.exists() and not create and not (os.access(p, os.W_OK) and os.access(folder, os.W_OK))
    if not readonly:
        try:
            if not folder.exists():
                from . import safeio

                safeio.make_dirs(folder)
            if not p.exists():
                os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o600 if _private() else 0o666))
        except PermissionError:
            raise StoreError(_t("errors.store.cannot_create_permission", path=p)) from None
        except OSError as exc:
            raise StoreError(_t("errors.store.cannot_create", path=p, reason=exc.strerror or exc)) from None
    try:
        if readonly:
            wal = Path(str(p) + "-wal")
            pending = wal.exists() and wal.stat().st_size > 0  # committed data not yet in the main file
            # immutable: no -shm can be made in a read-only folder; only safe when nothing waits in the -wal
            uri = p.resolve().as_uri() + "?mode=ro" + ("" if os.access(folder, os.W_OK) or pending else "&immutable=1")
            conn = driver.connect(uri, uri=True, timeout=timeout, factory=factory(driver))
        else:
            conn = driver.connect(str(p), timeout=timeout, factory=factory(driver))
        if key is not None:
            conn.execute("PRAGMA key = '" + key.replace("'", "''") + "'")
        db = sqlite_utils.Database(conn)
        track(db)
        if readonly:
            db.conn.execute("PRAGMA query_only=ON")
            db.conn.execute("select count(*) from sqlite_master").fetchone()
            done = {r[0] for r in db.conn.execute("select name from _migrations")} \
                if "_migrations" in db.table_names() else set()
            if any(name not in done for name, _ in MIGRATIONS):
                raise StoreError(_t("errors.store.readonly_old", path=p))
        else:
            if key is None and db.conn.execute("PRAGMA page_count").fetchone()[0] == 0:
                db.conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new store (set before WAL: fixed after)
            db.conn.execute("PRAGMA journal_mode=WAL")
            db.conn.execute("PRAGMA synchronous=NORMAL")
            db.conn.execute("PRAGMA foreign_keys=OFF")
            db.conn.execute("PRAGMA cache_size=-16384")  # 16 MiB; ingest raises it for bulk loads
            db.conn.execute("PRAGMA temp_store=MEMORY")
            for attempt in range(5):  # two processes opening a new store at once: the second sees the first's
                try:
                    migrate(db)
                    sync_model(db)
                    break
                except Exception as exc:
                    if not is_db_error(exc, "OperationalError", "IntegrityError") or attempt == 4 \
                            or not any(w in str(exc) for w in ("already exists", "UNIQUE", "duplicate")):
                        raise
                    if db.conn.in_transaction:
                        db.conn.rollback()
                    time.sleep(0.2)
    except StoreError:
        raise
    except Exception as exc:
        if not is_db_error(exc):
            raise
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            raise StoreError(_t("errors.store.locked", path=p, seconds=f"{timeout:.0f}")) from None
        if "readonly" in msg or "read-only" in msg:
            raise StoreError(_t("errors.store.readonly", path=p, reason=msg)) from None
        if "not a database" in msg and key is not None:
            raise StoreError(_t("errors.store.wrong_key", path=p, var=ENV_KEY)) from None
        if "not a database" in msg:
            raise StoreError(_t("errors.store.not_a_store", path=p, var=ENV_KEY)) from None
        raise StoreError(_t("errors.store.cannot_open", path=p, reason=msg)) from None
    db.readonly = readonly  # type: ignore[attr-defined]
    return db


# ---------------------------------------------------------------- queries

def batch_files(db: sqlite_utils.Database) -> dict[int, str]:
    """Batch id -> source file path as outputs show it (:func:`display_path`), for provenance."""
    return {r["id"]: display_path(db, r["path"]) for r in db.query("select id, path from batches")}


def display_path(db: sqlite_utils.Database, path: str | None) -> str | None:
    """A source file's path as outputs show it: relative to the store's folder when inside it, else its name.

    Reports, maps and path JSON travel; an absolute path would carry the user's home and case folder
    names with them. The batch (``batches.path``, ``sha256``) keeps the full path.
    """
    if not path:
        return path
    base = Path(db.conn.execute("pragma database_list").fetchone()[2] or ".").resolve().parent
    p = Path(path)
    try:
        return p.resolve().relative_to(base).as_posix()
    except (ValueError, OSError):
        return p.name


# Tables whose every change alters what the analyses see besides batches: merges and links of names.
RESOLUTION_LOGS = ("entity_merges", "entity_links")


def data_version(db: sqlite_utils.Database) -> str:
    """A short fingerprint of what is loaded: changes whenever a batch lands or a merge or link is made or undone."""
    row = next(db.query("select count(*) n, coalesce(max(id), 0) m from batches where status != 'rejected'"))
    version = f"b{row['m']}-{row['n']}"
    tables = set(db.table_names())
    for i, table in enumerate(RESOLUTION_LOGS):
        if table in tables:
            n = db.execute(f"select count(*) from [{table}]").fetchone()[0]
            undone = 0
            if "undone_at" in {c.name for c in db[table].columns}:
                undone = db.execute(f"select count(undone_at) from [{table}]").fetchone()[0]
            if n:
                version += f"-{'ml'[i]}{n}.{undone}"
    return version


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {kind: db[kind].count for kind in schema.KINDS}


def date_range(db: sqlite_utils.Database) -> dict[str, dict[str, str | None]]:
    out = {}
    for kind in schema.RECORD_KINDS:
        col = schema.KINDS[kind].date_column
        row = next(db.query(f"select min({col}) lo, max({col}) hi from [{kind}]"))  # names from schema
        out[kind] = {"min": row["lo"], "max": row["hi"]}
    return out


def entity_kind_of(db: sqlite_utils.Database, entity_id: str) -> str | None:
    """Which entity table holds this id (officials, people, companies, units), if any."""
    for kind in schema.ENTITY_TABLES:
        pk = schema.KINDS[kind].id_column
        if next(db.query(f"select 1 from [{kind}] where [{pk}] = ? limit 1", [entity_id]), None):
            return kind
    return None


def entity_names(db: sqlite_utils.Database, ids) -> dict[str, str]:
    """Id → display name for the given ids, from whichever entity table holds each (the id when none)."""
    ids = [i for i in set(ids) if i is not None]
    out: dict[str, str] = {}
    tables = set(db.table_names())
    for kind in [*schema.ENTITY_TABLES, "unresolved"]:
        if kind not in tables or not ids:
            continue
        pk = schema.KINDS[kind].id_column if kind in schema.KINDS else "unresolved_id"
        for part in chunks(ids, 500):
            q = f"select [{pk}], name from [{kind}] where [{pk}] in ({', '.join('?' * len(part))})"
            out.update({k: v for k, v in db.execute(q, part).fetchall() if k not in out})
    return {i: out.get(i, i) for i in ids}


def require_entity(db: sqlite_utils.Database, entity_id: str, kind: str) -> dict:
    pk = schema.KINDS[kind].id_column
    row = next(db.query(f"select * from [{kind}] where [{pk}] = ?", [entity_id]), None)
    if row is None:
        what = schema.NODE_KIND_OF_TABLE.get(kind, kind).replace("_", " ")
        raise NotFound(f"no {what} with id '{entity_id}' in the store")
    return row


def start_run(db: sqlite_utils.Database, kind: str, params: dict, settings_json: str,
              as_of: str | None = None, since: str | None = None, until: str | None = None,
              version: str | None = None) -> int:
    """Record an analysis run; its results are stored against the returned id.

    ``version`` is the data version read when the run read its data (default: now): a run that
    overlaps an ingest is stamped with what it saw, so it is never reused for newer data.
    """
    import json
    return db["runs"].insert({
        "kind": kind, "created_at": now(), "as_of": as_of, "since": since, "until": until,
        "params": json.dumps(params, sort_keys=True, ensure_ascii=False, default=str),
        "settings": settings_json, "data_version": version or data_version(db), "seconds": None,
    }).last_pk


def finish_run(db: sqlite_utils.Database, run_id: int, seconds: float) -> None:
    db["runs"].update(run_id, {"seconds": round(seconds, 3)})


def find_run(db: sqlite_utils.Database, kind: str, *, version: str | None = None, settings_json: str | None = None,
             as_of: str | None = None, since: str | None = None, until: str | None = None,
             finished: bool = True) -> int | None:
    """The newest run of ``kind`` matching exactly the given data version, settings and window; None if none.

    A None window bound matches only a run without that bound.
    """
    clauses, params = ["kind = ?"], [kind]
    for col, val in (("data_version", version), ("settings", settings_json)):
        if val is not None:
            clauses.append(f"{col} = ?")
            params.append(val)
    for col, val in (("as_of", as_of), ("since", since), ("until", until)):
        clauses.append(f"{col} is ?")
        params.append(val)
    if finished:
        clauses.append("seconds is not null")
    row = db.execute(f"select max(id) from runs where {' and '.join(clauses)}", params).fetchone()
    return row[0] if row else None


def latest_run(db: sqlite_utils.Database, kind: str, as_of: str | None = None) -> int | None:
    """The newest finished run of ``kind`` (as of a date when given)."""
    sql = "select max(id) from runs where kind = ? and seconds is not null"
    params: list = [kind]
    if as_of:
        sql += " and as_of = ?"
        params.append(as_of)
    return db.execute(sql, params).fetchone()[0]


def chunks(items: Iterable, size: int):
    buf = []
    for it in items:
        buf.append(it)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf
