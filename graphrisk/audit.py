"""The audit log: who ran which command on the store, when, on what data, and what it wrote.

Investigations need to show who saw and exported what. Every command that
names a store (reads, analyses, maps, exports, ``--no-store`` runs included)
appends one row to the store's ``audit`` table: OS user, host, process, UTC
time, the command and its parsed arguments, the data version, every file it
wrote with its sha256, and how it ended. Rows are append-only (triggers
refuse UPDATE and DELETE) and hash-chained: each row's ``hash`` covers its
content and the previous row's hash, so an edited, inserted or removed row
shows in :func:`verify` (``graphrisk audit verify``). Someone able to rewrite
the whole file can rebuild a chain; keep a copy of the latest hash elsewhere
(``graphrisk audit log --format json`` prints it) to detect that too.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from . import store

TABLE = "audit"
FIELDS = ("id", "at", "user", "host", "pid", "command", "params", "store", "data_version", "outputs", "status",
          "message", "prev_hash")


def migrate(db: sqlite_utils.Database) -> None:
    """The table and the triggers that keep it append-only (migration 003_audit in graphrisk.store)."""
    store._m003_audit(db)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without passwd entry)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def row_hash(row: dict) -> str:
    """sha256 over the previous hash and the row's fields as canonical JSON."""
    body = json.dumps({k: row.get(k) for k in FIELDS}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(((row.get("prev_hash") or "") + "\n" + body).encode("utf-8")).hexdigest()


def append(db: sqlite_utils.Database, command: str, params: dict, outputs: list[tuple[str, str]], status: int,
           message: str = "", lock_timeout: float | None = None) -> dict:
    """Append one entry (in its own transaction) and return it."""
    conn = db.conn
    if conn.in_transaction:
        conn.commit()
    store.begin_write(conn, lock_timeout)
    try:
        last = conn.execute(f"select id, hash from {TABLE} order by id desc limit 1").fetchone()
        row = {
            "id": (last[0] + 1) if last else 1,
            "at": store.now(), "user": _user(), "host": socket.gethostname(), "pid": os.getpid(),
            "command": command,
            "params": json.dumps(params, sort_keys=True, ensure_ascii=False, default=str),
            "store": str(Path(db.conn.execute("pragma database_list").fetchone()[2]).resolve()),
            "data_version": store.data_version(db),
            "outputs": json.dumps([{"path": str(Path(p).resolve()), "sha256": h} for p, h in outputs],
                                  ensure_ascii=False),
            "status": int(status), "message": message or "", "prev_hash": last[1] if last else "",
        }
        row["hash"] = row_hash(row)
        cols = list(row)
        conn.execute(f"insert into {TABLE} ({','.join(cols)}) values ({','.join('?' * len(cols))})",
                     [row[c] for c in cols])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return row


@dataclass
class Verification:
    entries: int = 0
    head: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "head": self.head, "problems": self.problems}


def verify(db: sqlite_utils.Database) -> Verification:
    """Recompute the chain: every row's hash, its link to the previous row, no ids missing; triggers present."""
    out = Verification()
    if TABLE not in db.table_names():
        out.problems.append("the store has no audit table")
        return out
    triggers = {r[0] for r in db.conn.execute("select name from sqlite_master where type = 'trigger' "
                                              "and tbl_name = ?", [TABLE])}
    for t in ("audit_no_update", "audit_no_delete"):
        if t not in triggers:
            out.problems.append(f"trigger {t} is missing: the log can be edited")
    prev_hash, prev_id = "", 0
    cur = db.conn.execute(f"select {', '.join(FIELDS)}, hash from {TABLE} order by id")
    names = list(FIELDS) + ["hash"]
    for values in cur:
        row = dict(zip(names, values))
        out.entries += 1
        if row["id"] != prev_id + 1:
            out.problems.append(f"entries {prev_id + 1}-{row['id'] - 1} are missing (removed)")
        if (row["prev_hash"] or "") != prev_hash:
            out.problems.append(f"entry {row['id']}: does not follow entry {prev_id} (chain broken)")
        if row_hash(row) != row["hash"]:
            out.problems.append(f"entry {row['id']}: content does not match its hash (edited)")
        prev_hash, prev_id = row["hash"], row["id"]
        if len(out.problems) > 100:
            out.problems.append("... more problems not listed")
            break
    out.head = prev_hash
    return out


def entries(db: sqlite_utils.Database, limit: int | None = None) -> list[dict]:
    """The latest ``limit`` entries (all when None), oldest first, with params and outputs decoded."""
    if TABLE not in db.table_names():
        return []
    sql = f"select * from {TABLE} order by id desc" + (" limit ?" if limit else "")
    rows = [dict(r) for r in db.query(sql, [limit] if limit else [])]
    for r in rows:
        for k in ("params", "outputs"):
            try:
                r[k] = json.loads(r[k]) if r[k] else None
            except ValueError:
                pass
    return list(reversed(rows))


ENV_FALLBACK = "GRAPHRISK_AUDIT_FILE"


def fallback_path() -> Path:
    """Where entries go when the store is read-only: $GRAPHRISK_AUDIT_FILE, else the user's state folder."""
    env = os.environ.get(ENV_FALLBACK)
    if env:
        return Path(env)
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "graphrisk" / "audit.jsonl"


def append_fallback(db, command: str, params: dict, outputs: list[tuple[str, str]], status: int,
                    message: str = "") -> Path:
    """Append an entry for a read-only store to the fallback log: JSON lines, hash-chained like the table, 0600."""
    from . import safeio

    path = fallback_path()
    prev = read_fallback(path)
    row = {
        "id": (prev[-1]["id"] + 1) if prev else 1,
        "at": store.now(), "user": _user(), "host": socket.gethostname(), "pid": os.getpid(),
        "command": command, "params": json.dumps(params, sort_keys=True, ensure_ascii=False, default=str),
        "store": str(Path(db.conn.execute("pragma database_list").fetchone()[2] or "").resolve()),
        "data_version": store.data_version(db),
        "outputs": json.dumps([{"path": str(Path(p).resolve()), "sha256": h} for p, h in outputs], ensure_ascii=False),
        "status": int(status), "message": message or "", "prev_hash": prev[-1]["hash"] if prev else "",
    }
    row["hash"] = row_hash(row)
    safeio.make_dirs(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return path


def read_fallback(path: Path) -> list[dict]:
    """The entries of a fallback log (JSON lines); an unreadable line stops the reading."""
    out = []
    if not Path(path).is_file():
        return out
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            break
    return out


def verify_fallback(path: Path) -> Verification:
    """The hash chain of a fallback log, checked like the table's."""
    out = Verification()
    prev_hash, prev_id = "", 0
    for row in read_fallback(path):
        out.entries += 1
        if row.get("id") != prev_id + 1:
            out.problems.append(f"entries {prev_id + 1}-{row.get('id', 0) - 1} are missing (removed)")
        if (row.get("prev_hash") or "") != prev_hash:
            out.problems.append(f"entry {row.get('id')}: does not follow entry {prev_id} (chain broken)")
        if row_hash(row) != row.get("hash"):
            out.problems.append(f"entry {row.get('id')}: content does not match its hash (edited)")
        prev_hash, prev_id = row.get("hash", ""), row.get("id", prev_id)
    out.head = prev_hash
    return out


def record_command(db_path: str | None, command: str, params: dict, status: int, message: str = "",
                   settings: dict | None = None) -> str | None:
    """Append the entry of a finished CLI command; returns a note when it could not be written.

    A store that does not exist is not created for the log; the entry of a command on a
    read-only store goes to the user's fallback log (:func:`fallback_path`), and the note says so.
    """
    from . import safeio

    outputs = safeio.written(clear=True)
    if settings is not None and not settings.get("security", {}).get("audit", True):
        return None
    if not db_path:
        return None
    p = Path(db_path)
    if not p.is_file():
        return None
    try:
        db = store.connect(p, create=False)
        if getattr(db, "readonly", False):  # the store cannot take the entry: the user's own log does
            from .i18n import t

            path = append_fallback(db, command, params, outputs, status, message)
            return t("errors.audit.fallback", path=path)
        lock = (settings or {}).get("limits", {}).get("lock_timeout")
        append(db, command, params, outputs, status, message, lock_timeout=lock)
        db.conn.close()
    except Exception as exc:
        if not (store.is_db_error(exc) or isinstance(exc, (OSError, store.StoreError))):
            raise
        from .i18n import t

        return t("errors.audit_not_written", reason=exc)
    return None
