"""A profile applied to a file: the source read as text, repaired, filtered and mapped to canonical columns.

The result (:class:`Applied`) is the canonical table ingest reads, with the
row problems found (for ingest to report with file, row and column) and the
rows skipped, each counted by reason, so that every source row is accounted for.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ... import schema
from ...errors import InputError
from ...i18n import t
from .. import readers, values
from .headers import _norm_header, synonym_mapping
from .transforms import (
    _FIELD,
    _SERIAL,
    _TIMESTAMP_ONLY,
    SKIP,
    _content_ids,
    _date_like,
    _decimal_comma,
    _excel_date,
    _keys,
    _remap,
    _render,
    _unknown_text,
)

if TYPE_CHECKING:
    from .format import Profile


def read_source(path: Path, kind: str, header_row: int | None = None) -> readers.Table:
    """The file as text columns; with ``header_row``, the lines above it (a title, a blank line) are not data.

    Read by :func:`graphrisk.ingest.readers.read_table` like any file (one encoding per file, strict
    quoting, field counts, XLSX caps, formulas without values), starting at ``header_row``.
    """
    if header_row and header_row > 1 and readers.SUFFIXES.get(Path(path).suffix.lower()) not in ("csv", "xlsx"):
        raise InputError(t("profiles.err.header_row_format", path=str(path)))
    return readers.read_table(path, kind, header_row=header_row)


@dataclass
class Applied:
    table: readers.Table  # canonical text columns, one row per record
    problems: list[tuple[int, str, str]]  # (position in table, column, message)
    skipped: dict[str, int]  # reason -> rows not turned into records
    source_rows: int
    ref_kinds: dict[str, tuple[str, ...]]
    currency: str | None
    mapping: dict[str, str]  # canonical column -> where it comes from (for check and draft)


def _apply(p: Profile, src: readers.Table, db=None) -> Applied:
    file = str(src.path)
    frame = src.frame.copy()
    original = {_norm_header(c): str(c) for c in frame.columns}  # extra columns keep the file's own header
    frame.columns = [_norm_header(c) for c in frame.columns]
    rows = src.rows.to_numpy()
    n0 = len(frame)
    headers = list(frame.columns)
    k = schema.KINDS[p.kind]

    # every source column the profile names must exist
    named: list[tuple[str, str]] = []
    for c, srcs in p.columns.items():
        named += [(f"columns.{c}", s) for s in srcs]
    for sect, d in (("values", p.value_maps), ("replace", p.replace), ("filter", p.filters), ("skip", p.skip)):
        for col in d:
            if col not in headers and col not in p.columns:
                named.append((f"{sect}.{col}", col))
    named += [("skip_if_empty", c) for c in p.skip_if_empty]
    for s in p.shifts:
        named += [("shift", c) for c in s.columns + [s.when_date, s.unless_date] + list(s.also_when)]
    for c, tpl in p.templates.items():
        for fld, _ in _FIELD.findall(tpl):
            fld = _norm_header(fld)
            if not fld.startswith("_") and fld not in headers and fld not in p.columns and fld not in p.constants:
                named.append((f"ids.{c}", fld))
    missing = [(where, col) for where, col in named if col not in headers]
    if missing:
        from ..prepare import Problem
        probs = [Problem(file, 1, col, t("profiles.err.missing_column", where=where, col=col,
                                         headers=", ".join(headers)), "missing_column") for where, col in missing]
        raise InputError(t("profiles.err.rejected", path=file, n=len(probs)), probs)

    text = frame.astype(object).where(frame.notna(), "").astype(str)
    # repairs: shifted rows
    for s in p.shifts:
        home_is_date = _date_like(text[s.unless_date])
        is_date = _date_like(text[s.when_date]) & ~home_is_date
        for col, vals in s.also_when.items():  # e.g. a shifted nil return: 'Nil Return' one cell to the right
            is_date |= _keys(text[col]).isin(vals) & ~home_is_date & ~_keys(text[s.unless_date]).isin(vals)
        if is_date.any():
            cols = s.columns
            shifted = text.loc[is_date, cols].to_numpy()
            moved = np.full_like(shifted, "")
            moved[:, :len(cols) - s.by] = shifted[:, s.by:]
            text.loc[is_date, cols] = moved
    for col, reps in p.replace.items():
        if col in text:
            for a, b in reps.items():
                text[col] = text[col].str.replace(a, b, regex=False)

    skipped: Counter = Counter()
    keep = np.ones(len(text), dtype=bool)
    keys = {c: _keys(text[c]) for c in set(p.skip) | set(p.filters) | set(p.value_maps) if c in text}
    for col, vals in p.skip.items():
        hit = keys[col].isin(vals).to_numpy() & keep
        if hit.any():
            skipped[t("profiles.skip.no_record", column=original.get(col, col))] += int(hit.sum())
            keep &= ~hit
    if p.skip_if_empty:
        empty = np.ones(len(text), dtype=bool)
        for col in p.skip_if_empty:
            empty &= (text[col].str.strip() == "").to_numpy()
        hit = empty & keep
        if hit.any():
            skipped[t("profiles.skip.empty", columns=", ".join(original.get(c, c) for c in p.skip_if_empty))] += int(hit.sum())
            keep &= ~hit
    # value maps on source columns (a key naming a canonical column applies after mapping, below)
    unknown_src: dict[str, pd.Series] = {}
    for col, vm in p.value_maps.items():
        if col not in text or (col in p.columns and col not in headers):
            continue
        if any(col in srcs for srcs in p.columns.values()) or col not in p.columns:
            hit_skip = keys[col].map(lambda v: vm.get(v) is SKIP).to_numpy() & keep
            if hit_skip.any():
                skipped[t("profiles.skip.value", column=original.get(col, col))] += int(hit_skip.sum())
                keep &= ~hit_skip
            mapped = keys[col].map(lambda v: vm.get(v))
            repl = mapped.map(lambda v: isinstance(v, str))
            if repl.any():
                unknown_src[col] = _unknown_text(text[col], repl & (mapped == ""))
                text[col] = text[col].where(~repl, mapped)
    for col, spec in p.filters.items():
        kv = keys[col]
        ok = np.ones(len(text), dtype=bool)
        if "in" in spec:
            ok &= kv.isin(spec["in"]).to_numpy()
        if "not" in spec:
            ok &= ~kv.isin(spec["not"]).to_numpy()
        if "matches" in spec:
            ok &= text[col].map(lambda v: bool(spec["matches"].search(v))).to_numpy()
        hit = ~ok & keep
        if hit.any():
            skipped[t("profiles.skip.filtered", column=original.get(col, col))] += int(hit.sum())
            keep &= ~hit
    text = text.loc[keep].reset_index(drop=True)
    rows = rows[keep]
    problems: list[tuple[int, str, str]] = _remap(list(getattr(src, "problems", []) or []), keep)
    unknown_src = {c: s.loc[keep].reset_index(drop=True) for c, s in unknown_src.items()}
    n = len(text)

    # canonical columns
    out = pd.DataFrame(index=range(n))
    mapping: dict[str, str] = {}
    used_src: set[str] = set()
    for c, srcs in p.columns.items():
        col = pd.Series([""] * n, dtype=object)
        for s in srcs:
            col = col.where(col != "", text[s].str.strip())
            used_src.add(s)
        out[c] = col
        mapping[c] = " | ".join(srcs)
    # synonyms for canonical columns the profile leaves out
    for c, h in synonym_mapping(p.kind, headers, taken=set(p.columns) | set(p.templates) | set(p.constants),
                                used=used_src).items():
        out[c] = text[h].str.strip()
        mapping[c] = f"{h} (synonym)"
        used_src.add(h)
    for c, v in p.constants.items():
        out[c] = v
        mapping[c] = f"= {v}"
    # value maps keyed by a canonical column
    for col, vm in p.value_maps.items():
        if col in p.columns and col not in headers and col in out:
            kv = _keys(out[col])
            hit_skip = kv.map(lambda v: vm.get(v) is SKIP).to_numpy()
            if hit_skip.any():  # skipping after mapping: drop those rows too
                skipped[t("profiles.skip.value", column=col)] += int(hit_skip.sum())
                out, text, rows = out.loc[~hit_skip].reset_index(drop=True), text.loc[~hit_skip].reset_index(drop=True), rows[~hit_skip]
                problems = _remap(problems, ~hit_skip)
                unknown_src = {c2: s.loc[~hit_skip].reset_index(drop=True) for c2, s in unknown_src.items()}
                kv = _keys(out[col])
            mapped = kv.map(lambda v: vm.get(v))
            repl = mapped.map(lambda v: isinstance(v, str))
            unknown_src["@" + col] = _unknown_text(out[col], repl & (mapped == ""))
            out[col] = out[col].where(~repl, mapped)
    n = len(out)
    # amounts mapped to unknown: the source text is kept (value_text) and the empty value is allowed
    for c in k.columns:
        if c.type != schema.AMOUNT or c.name not in out:
            continue
        notes = pd.Series([""] * n, dtype=object)
        for s in p.columns.get(c.name, []):
            if s in unknown_src:
                notes = notes.where(notes != "", unknown_src[s])
        if "@" + c.name in unknown_src:
            notes = notes.where(notes != "", unknown_src["@" + c.name])
        if (notes != "").any():
            out["_source_" + c.name] = notes
    if p.decimal == ",":  # 1.234,56 / 1 234,56 → 1234.56; the amount as published kept in <amount>_text
        for c in k.columns:
            if c.type in (schema.AMOUNT, schema.PCT) and c.name in out:
                before = out[c.name]
                out[c.name] = before.map(_decimal_comma)
                if c.type == schema.AMOUNT:
                    src_text = out.get("_source_" + c.name, pd.Series([""] * len(out), dtype=object))
                    out["_source_" + c.name] = src_text.where(src_text != "", before.where(before != out[c.name], ""))
    # id templates
    for c, tpl in p.templates.items():
        out[c] = _render(tpl, text, out, rows, src.path)
        mapping[c] = tpl
    # dates
    for c in k.columns:
        if c.type != schema.DATE or c.name not in out:
            continue
        fmts = p.formats.get(c.name)
        dayfirst = p.dayfirst
        excel = False
        if fmts and len(fmts) == 1 and fmts[0].lower().replace("_", "-") in ("day-first", "dayfirst", "month-first",
                                                                             "monthfirst"):
            dayfirst, fmts = fmts[0].lower().startswith("day"), None
        elif fmts and any(f.lower() in ("excel", "excel-serial") for f in fmts):
            excel = True
            fmts = [f for f in fmts if f.lower() not in ("excel", "excel-serial")] or None
        parsed = {}
        for u in pd.unique(out[c.name].to_numpy()):
            if not u:
                continue
            try:
                if excel and _SERIAL.match(u.strip()):
                    parsed[u] = _excel_date(u)
                    continue
                if fmts:
                    try:
                        parsed[u] = values.parse_date_formats(u, fmts)
                    except ValueError:
                        if _TIMESTAMP_ONLY.match(values.nfkc(u).strip()):  # an ISO timestamp is never ambiguous
                            parsed[u] = values.parse_date(u)
                        else:
                            raise
                else:
                    parsed[u] = values.parse_date(u, dayfirst=dayfirst)
            except ValueError as exc:
                parsed[u] = exc
        col_out = []
        for pos, v in enumerate(out[c.name].to_numpy()):
            r = parsed.get(v, v)
            if isinstance(r, ValueError):
                problems.append((pos, c.name, str(r)))
                col_out.append(v)
            else:
                col_out.append(r)
        out[c.name] = pd.Series(col_out, dtype=object)
    # unmapped source columns ride along (kept in _extra), under their own name unless it is canonical
    canon = set(k.column_names) | {c.name[:-3] + "_name" for c in k.columns if c.refs and c.name.endswith("_id")}
    for h in headers if not p.distinct else ():  # an entity made from a record file carries no record's cells
        if h in used_src or not h:
            continue
        name = original.get(h, h)
        name = name if name not in canon and name not in out else f"source {name}"
        if name in out:
            continue
        out[name] = text[h]
    # split multi-valued cells
    part_no = np.zeros(n, dtype=int)
    for c, spec in p.split.items():
        if c not in out:
            continue
        pieces = out[c].map(lambda v: [x.strip() for x in spec["pattern"].split(v) if x.strip()] or [""])
        if c in k.column_names and k.column(c).type == schema.LIST:
            out[c] = pieces.map(";".join)
            continue
        counts = pieces.map(len).to_numpy()
        if (counts > 1).any():
            idx = np.repeat(np.arange(len(out)), counts)
            part_no = np.concatenate([np.arange(1, m + 1) for m in counts]) if len(counts) else part_no
            out = out.iloc[idx].reset_index(drop=True)
            out[c] = [x for ps in pieces for x in ps]
            rows = rows[idx]
            problems = [(int(q), col, msg) for pos, col, msg in problems for q in np.flatnonzero(idx == pos)]
            part_no = np.where(np.repeat(counts, counts) > 1, part_no, 0)
    # record ids: from the id column or template; else a stable id from the content
    pk = k.id_column
    if not k.key:
        if pk in out and (part_no > 0).any():
            out[pk] = [f"{v}-{i}" if i and v else v for v, i in zip(out[pk], part_no)]
        elif pk not in out:
            out[pk] = _content_ids(out, [c for c in k.column_names if c in out] +
                                   [c for c in sorted(canon) if c in out and c not in k.column_names],
                                   p.id_prefix if p.id_prefix is not None else f"{p.kind}-")
            mapping[pk] = t("profiles.check.auto_id")
    if p.distinct and pk in out:
        dup = out[pk].duplicated().to_numpy() & (out[pk] != "").to_numpy()
        if db is not None and pk in out:
            pk_col = schema.KINDS[p.kind].id_column
            stored = {r[0] for r in db.conn.execute(f"select [{pk_col}] from [{p.kind}]")} \
                if p.kind in db.table_names() else set()
            known = out[pk].isin(stored).to_numpy() & ~dup
            if known.any():
                skipped[t("profiles.skip.known")] += int(known.sum())
                dup |= known
        if dup.any():
            skipped.setdefault(t("profiles.skip.mention"), 0)
            skipped[t("profiles.skip.mention")] += int((out[pk].duplicated().to_numpy() & (out[pk] != "").to_numpy()).sum())
            problems = _remap(problems, ~dup)
            out = out.loc[~dup].reset_index(drop=True)
            rows = rows[~dup]
    table = readers.Table(path=src.path, kind=p.kind, frame=out.reset_index(drop=True),
                          rows=pd.Series(rows, dtype="int64"), encoding=src.encoding)
    return Applied(table, problems, dict(skipped), n0, p.ref_kinds(), p.currency, mapping)


def merge_problems(prep, applied: Applied, file: str) -> None:
    """Add the profile's row problems to a prepared batch, replacing ingest's own message for that cell."""
    if not applied.problems:
        return
    cells = {(int(prep.rows[pos]), col) for pos, col, _ in applied.problems}
    prep.problems[:] = [q for q in prep.problems if (q.row, q.column) not in cells]
    types = {c.name: c.type for c in schema.KINDS[prep.kind].columns}
    for pos, col, msg in applied.problems:
        prep.add(pos, col, msg, file, code=f"bad_{types[col]}" if col in types and types[col] != schema.STR
                 else "invalid_value")
