"""The next files read and prepared by forked processes while this one checks and writes the current one.

Reading and cleaning a file, hashing its columns and computing its ids' look-alike skeletons touch no
store; the checks against the store (references, names, conflicts) and the write stay in the ingesting
process, in file order, so a batch is checked and written exactly as before (tests/test_ingest_ahead.py).
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..forking import Fetch, can_fork
from . import readers
from .hostile import id_skeletons
from .prepare import column_hashes, prepare, stored_columns
from .support import sha256_of


def _read_prepared(path: Path, kind: str, rename: dict | None, settings: dict, currency: str | None,
                   keep_text: bool = True):
    """In a forked process: ``(sha256, table, prepared)`` of a file, what ingesting it starts with and needs
    no store for, with the hash taken before reading (the ingest uses them only when its own hash agrees: the
    file did not change in between); None on any error (the ingest then reads the file and reports it).

    The stored columns' hash parts and the ids' look-alike skeletons are computed here too. Without
    ``keep_text`` (a batch that writes no rejects file) the table's text cells are not sent: only a rejects
    file reads them, and sending them cost as much as sending the prepared rows.
    """
    _yield_to_writer()
    try:
        sha = sha256_of(path)
        table = readers.read_table(path, kind, rename, settings=settings)
        prep = prepare(table, settings, currency=currency)
        prep.column_hashes = column_hashes(prep.frame, stored_columns(prep.kind))
        prep.skeletons = id_skeletons(prep)
        if not keep_text:
            table = replace(table, frame=None)
        return sha, table, prep
    except Exception:  # noqa: BLE001 - reported where it belongs, by the ingest reading it again
        return None


READER_NICENESS = 5  # how much lower a read's scheduling priority is than the ingesting process's


def _yield_to_writer() -> None:
    """Lower this (forked) reading process's priority: the ingesting process is the one the ingest waits for.

    Two reads under way and the ingesting process are three processes on two cores: without this, each got
    two thirds of a core, the one the ingest waits for included. At niceness 5 the scheduler gives the
    ingesting process a whole core whenever it can run, the reads the rest, and a read waited for runs at
    full speed since it is then alone. Scale 10, paired: 8.04-8.87 s against 7.62-8.31 s.
    """
    import multiprocessing as mp

    if mp.parent_process() is None:  # never the ingesting process itself
        return
    try:
        os.nice(READER_NICENESS)
    except (AttributeError, OSError):  # no nice on this system: the same work at the same priority
        pass


class ReadAhead:
    """The next file read and prepared by a forked process (:func:`_read_prepared`) while this one checks and
    writes the current one."""

    def __init__(self, path: Path, kind: str, rename: dict | None, settings: dict, currency: str | None,
                 keep_text: bool = True):
        self.path = path
        self._job = Fetch(_read_prepared, path, kind, rename, settings, currency, keep_text)
        self.awaiting = None  # called with this read before its result is waited for (:class:`ReadsAhead`)

    def result(self):
        """``(sha256, table, prepared)``, or None when the other process could not read the file."""
        if self.awaiting is not None:
            self.awaiting(self)
        try:
            return self._job.get()
        except Exception:  # noqa: BLE001 - a result that did not come back: read it here
            return None

    def ready(self) -> bool:
        """Whether the other process is done (its result, or its end, is waiting to be read)."""
        return self._job.ready()

    def close(self) -> None:
        """Stop the other process (a batch rejected before the next file is needed)."""
        self._job.cancel()


AHEAD_MIN_BYTES = 1_000_000  # a smaller file is read faster than a process is forked for it
AHEAD_RUNNING = 2  # reads under way at once: a small file followed by a big one leaves no wait
AHEAD_FILES = 4  # how far past the file being ingested reads may start (each read result is held until taken)


def read_ahead(path: Path, kwargs: dict, settings: dict) -> ReadAhead | None:
    """A :class:`ReadAhead` of ``path`` when worth it: a second worker, no mapping profile (it reads the
    store), a kind known from the option or the file name, a file of some size, and a fork that is safe."""
    if kwargs.get("profile") is not None or int((settings.get("ingest") or {}).get("workers", 1)) < 2:
        return None
    kind = kwargs.get("kind") or readers.kind_from_name(path)
    try:
        big = path.is_file() and path.stat().st_size >= AHEAD_MIN_BYTES
    except OSError:
        big = False
    if kind is None or not big or not can_fork():
        return None
    return ReadAhead(path, kind, kwargs.get("rename"), settings, kwargs.get("currency"),
                     keep_text=bool(kwargs.get("skip_bad_rows")))


class ReadsAhead:
    """The reads ahead of a list of files: :meth:`take` gives file ``i``'s (or None); :meth:`top_up` keeps
    :data:`AHEAD_RUNNING` reads under way, never more than :data:`AHEAD_FILES` files past the one being ingested;
    :meth:`close` stops those not taken (a batch was rejected).

    The ingest calls :meth:`top_up` while it writes, not only when it takes a file: at scale 50 the small files
    after ``contacts.csv`` were read long before its write ended, and one core then idled for 13 s.
    """

    def __init__(self, files: list, kwargs: dict, settings: dict):
        self._files, self._kwargs, self._settings = files, kwargs, settings
        self._jobs: dict[int, ReadAhead | None] = {}
        self._awaited: ReadAhead | None = None
        self._current, self._next = -1, 0

    def take(self, i: int) -> ReadAhead | None:
        self._current = i
        self._next = max(self._next, i + 1)
        self.top_up()
        job = self._jobs.pop(i, None)
        if job is not None:
            job.awaiting = self._await
        return job

    def _await(self, job: ReadAhead) -> None:
        """Wait until ``job`` is done, starting the next reads as others end meanwhile: a read that ended while
        the ingest waited for another left a core idle until the wait was over (0.3 s twice at scale 10)."""
        self._awaited = job
        try:
            while not job.ready():
                Fetch.wait_any([j._job for j in [job, *self._jobs.values()] if j is not None and not j.ready()])
                self.top_up()
        finally:
            self._awaited = None

    def top_up(self) -> None:
        """Start the next files' reads while fewer than :data:`AHEAD_RUNNING` are still reading (the one
        being waited for included)."""
        running = sum(1 for job in [*self._jobs.values(), self._awaited] if job is not None and not job.ready())
        last = min(self._current + AHEAD_FILES, len(self._files) - 1)
        while running < AHEAD_RUNNING and self._next <= last:
            job = read_ahead(Path(self._files[self._next]), self._kwargs, self._settings)
            self._jobs[self._next] = job
            self._next += 1
            running += job is not None

    def close(self) -> None:
        for job in self._jobs.values():
            if job is not None:
                job.close()
        self._jobs = {}
