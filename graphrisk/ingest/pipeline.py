"""Ingest files into the store: one file is one batch, written whole or not at all.

Strict by default: a batch with any bad row is rejected with every problem
listed and nothing written. With ``skip_bad_rows`` the good rows land and the
rejected ones go to a rejects CSV with their reasons. Re-ingesting a file
changes nothing; a record whose id exists with other content is an error
unless ``update``, which moves the old version to ``history``.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import sqlite_utils

from .. import collector, schema, store
from ..errors import InputError
from ..resolve import references, unresolved
from ..i18n import current_lang, node_label, t
from . import readers
from .hostile import created_on_good_rows, hostile_checks
from .support import (BULK_MIN_ROWS, PROVENANCE, StoredIds, _drop_indexes_for_bulk, _insert_chunk,  # noqa: F401
                      _row_columns, _written_columns, order_paths, sha256_of, write_rejects)
from .prepare import Prepared, Problem, content_hash, derive_keys, prepare, stored_columns
from .ahead import ReadAhead, ReadsAhead

Progress = Callable[[str, int, int], None]  # (file, rows done, rows total)
CHUNK = 50_000
SINGULAR = {t: n.replace("_", " ") for t, n in schema.NODE_KIND_OF_TABLE.items()}


@dataclass
class FileReport:
    path: str
    kind: str
    status: str  # ok | partial | unchanged | rejected
    batch_id: int | None = None
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    seconds: float = 0.0
    message: str = ""
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    rejects_path: str | None = None
    extra_columns: list[str] = field(default_factory=list)
    names: dict[str, int] = field(default_factory=dict)  # linked / created / ambiguous counts
    ambiguous: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # notes a user must see (other sheets, look-alike ids)
    skipped: dict[str, int] = field(default_factory=dict)  # rows a profile did not turn into records, by reason

    def to_dict(self) -> dict:
        d = asdict(self)
        d["problems"] = [str(p) for p in self.problems]
        return d


def _resolve_names(db, prep: Prepared, settings: dict, report: FileReport, file: str) -> list[dict]:
    """Fill ``*_id`` from ``*_name`` where the id is empty; return entity rows to create."""
    kind = schema.KINDS[prep.kind]
    out = prep.frame
    created: dict[str, dict] = {}
    counts = {"linked": 0, "created": 0, "ambiguous": 0}
    filled = False
    for id_col, name_col in prep.name_columns.items():
        need = out[id_col].isna() & out[name_col].notna()
        if not need.any():
            continue
        filled = True
        col = kind.column(id_col)
        names = sorted(set(out.loc[need, name_col]))
        kinds = prep.ref_kinds.get(name_col) or tuple(r for r in col.refs if r != "units") or col.refs
        res = references.resolve_references(db, names, kinds, settings)
        ids = {}
        for name, r in res.items():
            counts[r.action] += 1
            if r.entity_id:
                ids[name] = r.entity_id
            if r.new_row and r.entity_id not in created:  # a new entity, or an unresolved node (never NULL)
                created[r.entity_id] = {"kind": r.kind, "row": r.new_row, "name": name, "id": r.entity_id}
            if r.action == references.AMBIGUOUS:
                report.ambiguous.append({"column": name_col, "name": name, "reason": r.reason,
                                         "unresolved_id": r.entity_id, "candidates": r.candidates or []})
        out.loc[need, id_col] = out.loc[need, name_col].map(lambda v: ids.get(v))
        prep.changed(id_col)
        if kind.key:  # a key column may have changed: the tie's id is derived again below
            prep.changed(kind.id_column)
    report.names = counts
    if filled:  # tie keys hold resolved ids: an official's second spouse-by-name is not a duplicate
        derive_keys(prep)
    # first row mentioning each created entity, for its provenance (one pass over each name column:
    # comparing every created name with the whole column was quadratic, minutes at 100k rows)
    first_row: dict[str, int] = {}
    for name_col in prep.name_columns.values():
        for name, r in zip(out[name_col].to_numpy(dtype=object), prep.rows):
            if name is not None and (name not in first_row or int(r) < first_row[name]):
                first_row[name] = int(r)
    rows = []
    for eid, c in created.items():
        rows.append({"kind": c["kind"], "row": c["row"], "file_row": first_row.get(c["name"]), "id": eid})
    return rows


def _check(db, prep: Prepared, ids: StoredIds, file: str, created: list[dict], update: bool,
           report: FileReport) -> tuple[pd.Series, dict]:
    """Duplicates, references and conflicts with stored records; returns hashes and existing info."""
    kind = schema.KINDS[prep.kind]
    out = prep.frame
    pk = kind.id_column
    cols = stored_columns(prep.kind)
    for c in cols:
        if c not in out:
            out[c] = None
    hashes = content_hash(out, cols, prep.column_hashes)

    # references: ids that exist nowhere (store, this batch, or entities created from names)
    created_ids = {c["id"]: c["kind"] for c in created}
    own_ids = None
    for c in kind.columns:
        if not c.refs:
            continue
        series = out[c.name]
        if c.type == schema.LIST:
            exploded = series.dropna().str.split(";").explode()
            wanted = _present(exploded)
        else:
            wanted = _present(series)
        if not wanted:
            continue
        wanted -= set(created_ids)
        if prep.kind in c.refs and kind.entity:
            own_ids = _present(out[pk]) if own_ids is None else own_ids
            wanted -= own_ids
        found = ids.found(wanted, c.refs)
        missing = wanted - found
        if not missing:
            continue
        what = t("errors.ingest.or").join(SINGULAR[r] if current_lang() == "en"
                                          else node_label(schema.NODE_KIND_OF_TABLE[r]) for r in c.refs)
        if c.type == schema.LIST:
            for pos in np.flatnonzero(series.notna().to_numpy()):
                for part in series.iloc[pos].split(";"):
                    if part in missing:
                        prep.add(int(pos), c.name, t("errors.ingest.unknown_id", id=part, what=what), file,
                                 "unknown_reference")
        else:
            for pos in np.flatnonzero(series.isin(missing).to_numpy()):
                prep.add(int(pos), c.name, t("errors.ingest.unknown_id", id=series.iloc[pos], what=what), file,
                         "unknown_reference")
    name_cols = prep.name_columns
    for id_col, name_col in name_cols.items():
        col = kind.column(id_col)
        if not col.required:
            continue
        for pos in np.flatnonzero((out[id_col].isna() & out[name_col].isna()).to_numpy()):
            prep.add(int(pos), id_col, "required value is missing", file, "missing_value")

    # duplicate ids inside the file
    id_series = out[pk]
    dup_mask = id_series.notna() & id_series.duplicated(keep=False)
    drop = set()
    if dup_mask.any():
        first_pos: dict[str, int] = {}
        for pos in np.flatnonzero(dup_mask.to_numpy()):
            key = id_series.iloc[pos]
            if key not in first_pos:
                first_pos[key] = pos
                continue
            f = first_pos[key]
            if hashes.iloc[pos] == hashes.iloc[f]:
                drop.add(int(pos))
            else:
                prep.add(int(pos), pk, t("errors.ingest.duplicate_id", id=key, row=int(prep.rows[f])), file,
                         "duplicate_id")
    report.duplicates = len(drop)

    # conflicts with stored records
    existing = ids.existing(prep.kind, _present(id_series)) if ids.ids(prep.kind) else {}  # none stored yet
    if existing and not update:
        batches = store.batch_files(db)
        for pos in np.flatnonzero(id_series.isin(existing).to_numpy()):
            key = id_series.iloc[pos]
            h, b, r = existing[key]
            if h != hashes.iloc[pos] and pos not in drop:
                prep.add(int(pos), pk, t("errors.ingest.already_stored", id=key, file=batches.get(b, "?"), row=r),
                         file)
    return hashes, {"existing": existing, "drop": drop}


def _present(series: pd.Series) -> set:
    """A column's values, missing ones left out, read as one array (not cell by cell: Arrow-backed text)."""
    return set(series.dropna().to_numpy(dtype=object))


class _Raced(Exception):
    """Another ingest stored this file, or records of it, between our checks and our write."""


def _write(db, prep: Prepared, hashes: pd.Series, info: dict, created: list[dict], path: Path, sha: str,
           report: FileReport, options: dict, progress: Progress | None, started: float,
           lock_timeout: float | None = None) -> np.ndarray:
    """Write the batch in one transaction; return the ids of the records written."""
    kind = schema.KINDS[prep.kind]
    pk = kind.id_column
    out = prep.frame
    cols = stored_columns(prep.kind)
    existing, drop = info["existing"], info["drop"]
    keep = np.ones(len(out), dtype=bool)
    for pos in prep.bad | drop:
        keep[pos] = False
    ids = out[pk].to_numpy(dtype=object)
    hash_arr = hashes.to_numpy(dtype=object)
    is_existing = np.array([i in existing for i in ids], dtype=bool) if existing else np.zeros(len(out), bool)
    same = np.array([e and existing[i][0] == h for i, e, h in zip(ids, is_existing, hash_arr)],
                    dtype=bool) if existing else np.zeros(len(out), bool)
    new_mask = keep & ~is_existing
    upd_mask = keep & is_existing & ~same
    report.unchanged = int((keep & same).sum())
    conn = db.conn
    if conn.in_transaction:  # only the temp id probe can be pending here
        conn.commit()
    store.begin_write(conn, lock_timeout)
    try:
        if not options.get("update") and conn.execute(
                "select 1 from batches where sha256 = ? and kind = ? and status in ('ok', 'partial') "
                "and coalesce(json_extract(options, '$.profile_sha256'), '') = ? "
                "and coalesce(json_extract(options, '$.currency'), '') = ? limit 1",
                [sha, prep.kind, options.get("profile_sha256") or "", options.get("currency") or ""]).fetchone():
            raise _Raced()  # the same file landed from another process since our first look
        batch_id = conn.execute(
            "insert into batches (path, file_name, sha256, kind, rows, status, options, started_at) "
            "values (?, ?, ?, ?, ?, 'loading', ?, ?)",
            [str(path), path.name, sha, prep.kind, len(out), json.dumps(options, sort_keys=True),
             store.now()]).lastrowid
        report.batch_id = batch_id
        for c in created:
            if c["kind"] == unresolved.TABLE:  # the same name may already be unresolved from an earlier batch
                unresolved.write_row(conn, c["row"], batch_id)
                continue
            ek = schema.KINDS[c["kind"]]
            row = dict(c["row"])
            row[ek.name_column + "_norm"] = references.normalize_name(row[ek.name_column])
            row.update({"_batch": batch_id, "_row": c["file_row"]})
            keys = list(row)
            conn.execute(f"insert into [{c['kind']}] ({','.join(f'[{k}]' for k in keys)}) "
                         f"values ({','.join('?' * len(keys))})", [row[k] for k in keys])
        if upd_mask.any():
            upd_ids = [str(i) for i in ids[upd_mask]]
            for chunk in store.chunks(upd_ids, 500):
                marks = ",".join("?" * len(chunk))
                old = conn.execute(f"select * from [{prep.kind}] where [{pk}] in ({marks})", chunk)
                names = [d[0] for d in old.description]
                hist = [(prep.kind, r[names.index(pk)], json.dumps(dict(zip(names, r)), ensure_ascii=False),
                         batch_id, store.now()) for r in old.fetchall()]
                conn.executemany("insert into history (kind, record_id, data, replaced_by_batch, replaced_at) "
                                 "values (?, ?, ?, ?, ?)", hist)
                conn.execute(f"delete from [{prep.kind}] where [{pk}] in ({marks})", chunk)
        write_mask = new_mask | upd_mask
        rebuild = _drop_indexes_for_bulk(conn, prep.kind, int(write_mask.sum()))
        used = _written_columns(conn, prep.kind, out.loc[write_mask, cols])  # an empty column is left NULL
        col_sql = ",".join(f"[{c}]" for c in used + PROVENANCE)
        columns = _row_columns(out.loc[write_mask, used], batch_id, prep.rows[write_mask],
                               hashes[write_mask])
        total = int(write_mask.sum())
        done = 0
        for start in range(0, total, CHUNK):
            part = [c[start:start + CHUNK] for c in columns]
            _insert_chunk(conn, prep.kind, col_sql, part)
            done += len(part[0])
            if progress:
                progress(str(path), done, total)
        for sql in rebuild:
            conn.execute(sql)
            if progress:
                progress(str(path), total, total)
        report.inserted = int(new_mask.sum())
        report.updated = int(upd_mask.sum())
        report.rejected = len(prep.bad)
        report.status = "partial" if prep.bad else "ok"
        report.seconds = round(time.perf_counter() - started, 3)
        conn.execute(
            "update batches set inserted=?, updated=?, unchanged=?, duplicates=?, rejected=?, status=?, "
            "finished_at=?, seconds=? where id=?",
            [report.inserted, report.updated, report.unchanged, report.duplicates, report.rejected,
             report.status, store.now(), report.seconds, batch_id])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return ids[write_mask]


@collector.without_collection  # a file's frames and row objects hold no cyclic garbage
def ingest_file(db: sqlite_utils.Database, path: str | Path, *, kind: str | None = None,
                rename: dict[str, str] | None = None, update: bool = False, skip_bad_rows: bool = False,
                rejects_dir: str | Path | None = None, settings: dict | None = None,
                progress: Progress | None = None, _retry: bool = False, profile=None,
                currency: str | None = None, _ahead: "ReadAhead | None" = None) -> FileReport:
    """Ingest one file as one batch. Raises InputError (with ``problems``) when the batch is rejected.

    ``profile`` (a :class:`graphrisk.ingest.profiles.Profile`) reads a file as published (its
    columns, date forms, value words, currency); ``currency`` is the currency of amounts that
    name none (else such an amount is an error). ``_ahead``: this file read and prepared by a
    forked process meanwhile (:class:`ReadAhead`; read here when it could not be).
    """
    from .. import settings as settings_mod

    settings = settings or settings_mod.load()
    started = time.perf_counter()
    db.conn.execute("PRAGMA cache_size=-131072")  # 128 MiB page cache for bulk loads and index rebuilds
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():  # a folder, a device, a pipe: hashing it would never end
        raise InputError(t("errors.read.not_regular", path=path))
    k = (profile.kind if profile is not None else None) or kind or readers.kind_from_name(path)
    sha = sha256_of(path)
    prior = next(db.query(
        "select id, finished_at from batches where sha256 = ? and kind = ? and status in ('ok', 'partial') "
        "and coalesce(json_extract(options, '$.profile_sha256'), '') = ? "
        "and coalesce(json_extract(options, '$.currency'), '') = ? "
        "order by id desc limit 1", [sha, k, profile.sha256 if profile is not None else "", currency or ""]),
        None) if k and not update else None
    if prior and next(db.query("select 1 from batches where kind = ? and id > ? and updated > 0 limit 1",
                               [k, prior["id"]]), None):
        prior = None  # records of this kind were replaced since: compare the content again
    if prior:
        return FileReport(str(path), k, "unchanged", batch_id=prior["id"],
                          message=t("errors.ingest.already_ingested", batch=prior["id"], at=prior["finished_at"]),
                          seconds=round(time.perf_counter() - started, 3))
    applied = profile.apply(path, db) if profile is not None else None
    early = _ahead.result() if _ahead is not None and applied is None and _ahead.path == path else None
    if early is not None and early[0] != sha:  # the file changed since the other process read it
        early = None
    if early is not None:
        _, table, prep = early
    else:
        table = applied.table if applied else readers.read_table(path, k, rename, settings=settings)
    if not table.checked:  # built by a profile: the reader's cell checks and id normalisation still apply
        more, _ = readers.cell_problems(table.frame, table.kind)
        table.problems.extend(more)
        table.checked = True
    report = FileReport(str(path), table.kind, "rejected", rows=applied.source_rows if applied else len(table.rows))
    report.warnings.extend(table.notes)
    if early is None:
        prep = prepare(table, settings, currency=currency or (applied.currency if applied else None))
    if applied:
        from .profiles import merge_problems

        merge_problems(prep, applied, str(path))
        prep.ref_kinds.update(applied.ref_kinds)
        report.skipped = dict(applied.skipped)
    report.extra_columns = prep.extra_columns
    hostile_checks(db, table, prep, settings, report, str(path))
    cap = settings["ingest"]["max_problems_shown"]
    if prep.problems and not len(prep.bad):  # structural: missing columns
        report.problems, report.problem_count = prep.problems[:cap], len(prep.problems)
        raise InputError(t("errors.ingest.rejected_structural", path=path, n=len(prep.problems)),
                         prep.problems)
    if progress:  # the bar appears as the checks start (and the reads ahead are topped up: ingest_paths)
        progress(str(path), 0, len(prep.frame))
    ids = StoredIds.of(db)
    created = _resolve_names(db, prep, settings, report, str(path))
    hashes, info = _check(db, prep, ids, str(path), created, update, report)
    created = created_on_good_rows(prep, created)
    prep.problems.sort(key=lambda p: (p.row or 0, p.column))
    report.problem_count = len(prep.problems)
    report.problems = prep.problems[:cap]
    if prep.problems and not skip_bad_rows:
        raise InputError(t("errors.ingest.rejected", path=path, n=len(prep.problems), rows=len(prep.bad)),
                         prep.problems)
    options = {"kind": table.kind, "rename": rename or {}, "update": update, "skip_bad_rows": skip_bad_rows}
    if profile is not None:
        options.update(profile=profile.path, profile_sha256=profile.sha256, skipped=report.skipped)
    if currency:
        options["currency"] = currency
    try:
        written = _write(db, prep, hashes, info, created, path, sha, report, options, progress, started,
                         lock_timeout=settings.get("limits", {}).get("lock_timeout"))
    except Exception as exc:
        if not (isinstance(exc, _Raced) or store.is_db_error(exc, "IntegrityError")) or _retry:
            raise
        # another ingest stored the same records between our checks and our write: check again
        return ingest_file(db, path, kind=kind, rename=rename, update=update, skip_bad_rows=skip_bad_rows,
                           rejects_dir=rejects_dir, settings=settings, progress=progress, _retry=True,
                           profile=profile, currency=currency)
    ids.wrote(prep.kind, written, created)
    if prep.bad:
        rdir = Path(rejects_dir) if rejects_dir else Path(db.conn.execute("pragma database_list")
                                                          .fetchone()[2]).parent / "rejects"
        report.rejects_path = write_rejects(prep, table, rdir, f"batch{report.batch_id}")
        db["batches"].update(report.batch_id, {"options": json.dumps(
            {**options, "rejects_path": report.rejects_path}, sort_keys=True)})
    parts = [t("errors.ingest.summary", new=report.inserted, updated=report.updated, unchanged=report.unchanged)]
    if report.duplicates:
        parts.append(t("errors.ingest.summary_duplicates", n=report.duplicates))
    if report.rejected:
        parts.append(t("errors.ingest.summary_rejected", n=report.rejected, path=report.rejects_path))
    if prep.extra_columns:
        parts.append(t("errors.ingest.summary_extra", columns=", ".join(prep.extra_columns)))
    for reason, n in report.skipped.items():
        parts.append(t("errors.ingest.summary_skipped", n=n, reason=reason))
    report.message = ("；" if current_lang() == "zh" else "; ").join(parts)
    return report


def ingest_paths(db: sqlite_utils.Database, paths: Iterable[str | Path], **kwargs) -> tuple[list[FileReport], list[str]]:
    """Ingest files and folders in dependency order; stop at the first rejected batch.

    Returns the reports of the files handled and the notes on skipped files. A
    rejected batch raises InputError after the batches before it have landed;
    its ``reports`` attribute carries those. With ``[ingest] workers = 2`` the next
    file is read and prepared by a forked process while this one is checked and written.
    """
    from .. import settings as settings_mod

    profile = kwargs.get("profile")
    files, skipped = order_paths(paths, kwargs.get("kind") or (profile.kind if profile is not None else None))
    settings = kwargs.get("settings") or settings_mod.load()
    kwargs = {**kwargs, "settings": settings}
    reports: list[FileReport] = []
    ahead = ReadsAhead(files, kwargs, settings)
    told = kwargs.get("progress")
    kwargs["progress"] = lambda *a: (ahead.top_up(), told and told(*a))  # while a file is written, start reads
    try:
        for i, f in enumerate(files):
            mine = ahead.take(i)
            try:
                reports.append(ingest_file(db, f, _ahead=mine, **kwargs))
            except InputError as exc:
                exc.reports = reports  # type: ignore[attr-defined]
                exc.pending = [str(x) for x in files[files.index(f) + 1:]]  # type: ignore[attr-defined]
                raise
            finally:
                if mine is not None:
                    mine.close()
    finally:
        ahead.close()
    return reports, skipped
