"""Opening SQLite (or SQLCipher) connections safely: lock waits, encryption keys, error classes.

Kept apart from :mod:`graphrisk.store` (which re-exports these names) so that opening a store
needs neither the settings nor the rules: ``configure(settings)`` hands over ``[limits]
lock_timeout``; the CLI calls it for every command.
"""
from __future__ import annotations

import os
import sqlite3
import weakref
from pathlib import Path

from .errors import StoreError

ENV_KEY = "GRAPHRISK_KEY"
ENV_KEY_FILE = "GRAPHRISK_KEY_FILE"
_LIMITS: dict = {"lock_timeout": 120.0}
_OPEN: "weakref.WeakSet" = weakref.WeakSet()  # the connections this process opened and has not dropped (close_all)
_FACTORIES: dict = {}


def configure(settings: dict | None) -> None:
    """Take ``[limits] lock_timeout`` from the settings in force."""
    lim = (settings or {}).get("limits") or {}
    if "lock_timeout" in lim:
        _LIMITS["lock_timeout"] = float(lim["lock_timeout"])


def limits() -> dict:
    return dict(_LIMITS)


def _t(key: str, **params) -> str:
    """A message from the catalogue (graphrisk/i18n/messages/errors.toml) in the current language."""
    from .i18n import t

    return t(key, **params)


def file_of(db) -> str:
    """The store's file path ("" for a store in memory): what forked readers and writers open again."""
    row = db.conn.execute("pragma database_list").fetchone()
    return (row[2] if row else "") or ""


def encryption_key() -> str | None:
    """The store's passphrase from $GRAPHRISK_KEY or the file named by $GRAPHRISK_KEY_FILE; None: not encrypted.

    Never from a command-line option: arguments show in process lists and in the audit log.
    """
    key = os.environ.get(ENV_KEY)
    if key is None and os.environ.get(ENV_KEY_FILE):
        kf = Path(os.environ[ENV_KEY_FILE])
        try:
            key = kf.read_text(encoding="utf-8").strip("\r\n")
        except OSError as exc:
            raise StoreError(_t("errors.store.key_file", path=kf, var=ENV_KEY_FILE, reason=exc.strerror or exc)) from None
    if key == "":
        raise StoreError(_t("errors.store.key_empty", var=ENV_KEY))
    return key


def _driver(key: str | None):
    """sqlite3, or SQLCipher's drop-in module when the store is encrypted (pip install 'graphrisk[encrypted]')."""
    if key is None:
        return sqlite3
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise StoreError(_t("errors.store.no_sqlcipher", var=ENV_KEY)) from None
    return dbapi2


def is_db_error(exc: BaseException, *names: str) -> bool:
    """Whether ``exc`` is an sqlite3 or SQLCipher error (of one of the DB-API classes ``names``, when given).

    SQLCipher's module mirrors sqlite3's exception classes without subclassing them.
    """
    mod = type(exc).__module__ or ""
    if not mod.startswith(("sqlite3", "sqlcipher3")):
        return False
    return not names or any(c.__name__ in names for c in type(exc).__mro__)


def begin_write(conn: sqlite3.Connection, timeout: float | None = None, on_wait=None) -> None:
    """``BEGIN IMMEDIATE``, waiting for another writer with a line of progress on stderr every few seconds.

    Gives up after ``timeout`` seconds (``[limits] lock_timeout``) with a StoreError saying why.
    """
    import sys
    import time

    timeout = float(timeout if timeout is not None else _LIMITS["lock_timeout"])
    step = min(2.0, max(timeout, 0.05))
    started = time.monotonic()
    conn.execute(f"PRAGMA busy_timeout = {int(step * 1000)}")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except Exception as exc:
                if not is_db_error(exc, "OperationalError") or ("locked" not in str(exc) and "busy" not in str(exc)):
                    raise
                waited = time.monotonic() - started
                if waited >= timeout:
                    raise StoreError(_t("errors.store.lock_gave_up", seconds=f"{timeout:.0f}")) from None
                if on_wait:
                    on_wait(waited, timeout)
                else:
                    sys.stderr.write(_t("errors.store.waiting", waited=f"{waited:.0f}", seconds=f"{timeout:.0f}") + "\n")
                    sys.stderr.flush()
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


def factory(driver):
    """The connection class :func:`graphrisk.store.connect` opens with ``driver`` (sqlite3 or SQLCipher's module):
    the driver's own, with a weak reference allowed, so :func:`close_all` finds every connection still alive."""
    cls = _FACTORIES.get(driver)
    if cls is None:
        cls = _FACTORIES[driver] = type("Connection", (driver.Connection,), {
            "__module__": __name__, "__doc__": "A connection of this process's stores (see dbconn.close_all)."})
    return cls


def track(db) -> None:
    """Remember an opened store so :func:`close_all` can close it: its connection, which can outlive the
    ``sqlite_utils.Database`` (a cursor or a cache still holding it)."""
    try:
        _OPEN.add(db.conn)
    except TypeError:  # a connection class without weak references (opened elsewhere): the store itself
        _OPEN.add(db)


def close_all() -> None:
    """Close every store this process opened and still holds (uncommitted work is rolled back, as on a
    normal exit). A process that leaves without tearing its objects down (``graphrisk.cli.main``) calls
    this first. A committed write is safe either way (in the store, or in its write-ahead log, which the next
    connection reads), but only the last connection's close writes the log into the store file, so that a
    copy of that one file (a backup) holds every record."""
    for held in list(_OPEN):
        try:
            getattr(held, "conn", held).close()
        except Exception:  # noqa: BLE001 - closing at exit: a connection already closed or broken
            pass
