"""Checks of a prepared batch for hostile or mistaken input (issue 14), called by the ingest pipeline.

The reader's row problems (field counts, control characters, invisible characters in ids) join the
batch's problems; dates and amounts outside ``[limits]`` are refused; ids that display like another
id (Cyrillic and Greek look-alikes, case) are warned about or refused; entities named only on
rejected rows are not created.
"""
from __future__ import annotations

from collections import Counter

from datetime import date

import numpy as np
import pandas as pd

from .. import schema
from ..errors import InputError, SettingsError
from ..i18n import t
from . import readers, values
from .prepare import Prepared


def hostile_checks(db, table: readers.Table, prep: Prepared, settings: dict, report,
                    file: str) -> None:
    """Row problems the reader found, values outside the plausible range, look-alike ids (issue 14)."""
    for pos, col, msg in table.problems:
        prep.add(pos, col, msg, file)
    if prep.problems and not prep.bad:  # structural: missing columns; nothing else matters yet
        return
    lim = settings.get("limits", {})
    kind = schema.KINDS[prep.kind]
    out = prep.frame
    lo, hi = lim.get("min_date", "1900-01-01"), lim.get("max_date", "2100-12-31")
    for key, value in (("min_date", lo), ("max_date", hi)):
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            raise SettingsError(t("errors.ingest.date_setting", setting=key, value=value)) from None
    max_amount = float(lim.get("max_amount", 1e15))
    for c in kind.columns:
        if c.name not in out:
            continue
        if c.type == schema.DATE:
            vals = out[c.name].to_numpy(dtype=object)
            for pos in _dates_outside(vals, lo, hi):
                prep.add(int(pos), c.name, values.check_date_range(vals[pos], lo, hi), file)
        elif c.type == schema.AMOUNT:
            vals = out[c.name].to_numpy(dtype=object)
            for pos, v in enumerate(vals):
                if v is None or v != v:  # empty, or a value the parser already refused
                    continue
                msg = values.check_amount_range(float(v), max_amount)
                if msg:
                    prep.add(pos, c.name, msg, file)
    _confusable_ids(db, prep, lim.get("confusable_ids", "warn"), report, file)


def _dates_outside(vals: np.ndarray, lo: str, hi: str) -> np.ndarray:
    """Positions of the text values whose first ten characters sort before ``lo`` or after ``hi``; compared
    as one numpy array of ten-character strings when every present value is text (one loop otherwise)."""
    present = np.flatnonzero(pd.notna(vals))
    text = vals[present]
    if len(text) and pd.api.types.infer_dtype(text, skipna=False) == "string":
        head = text.astype("U10")
        return present[(head < lo) | (head > hi)]
    return np.flatnonzero([isinstance(v, str) and (v[:10] < lo or v[:10] > hi) for v in vals])


def id_skeletons(prep: Prepared) -> dict[str, str]:
    """The look-alike skeleton of each id of an entity batch (none for other kinds)."""
    kind = schema.KINDS[prep.kind]
    if not kind.entity or kind.id_column not in prep.frame:
        return {}
    memo = prep.skeletons
    return {i: memo.get(i) or values.id_skeleton(i)
            for i in pd.unique(prep.frame[kind.id_column].dropna().to_numpy(dtype=object)) if isinstance(i, str)}


def _confusable_ids(db, prep: Prepared, mode: str, report, file: str) -> None:
    """Warn (or reject, ``[limits] confusable_ids = "error"``) ids that display like another id."""
    if mode not in ("warn", "error"):
        raise InputError(t("errors.ingest.confusable_setting", value=mode))
    skeleton = prep.skeletons or id_skeletons(prep)  # computed where the file was read, when it was
    if not skeleton:
        return
    pk = schema.KINDS[prep.kind].id_column
    stored = _stored_skeletons(db)
    db._graphrisk_batch_skeletons = skeleton  # type: ignore[attr-defined]  # for the next batch's stored ones
    # almost every skeleton belongs to one id: only a shared one (in the batch, or with a stored id other
    # than the id itself) needs its group of ids
    in_batch = Counter(skeleton.values())
    shared = {sk for sk, n in in_batch.items() if n > 1}
    groups: dict[str, set[str]] = {}
    for i, sk in skeleton.items():
        if sk in shared:
            groups.setdefault(sk, set()).add(i)
    first: dict | None = None
    shown = 0
    for i, sk in skeleton.items():
        st = stored.get(sk)
        if sk not in shared and (st is None or st == i):
            continue
        others = sorted((groups.get(sk, set()) | ({st} if isinstance(st, str) else st or set())) - {i})
        if not others:
            continue
        if first is None:  # each id's first row, for the message
            first = {}
            for pos, x in enumerate(prep.frame[pk].to_numpy(dtype=object)):
                if isinstance(x, str) and x not in first:
                    first[x] = pos
        msg = t("errors.ingest.lookalike", id=i.encode("unicode_escape").decode("ascii"),
                others=", ".join(f"'{o.encode('unicode_escape').decode('ascii')}'" for o in others[:3]))
        if mode == "error":
            prep.add(first[i], pk, msg, file)
        elif shown < 50:
            report.warnings.append(t("errors.ingest.warning_row", row=int(prep.rows[first[i]]), message=msg))
            shown += 1


def _stored_skeletons(db) -> dict[str, str | set[str]]:
    """Skeleton -> the stored entity id that has it, or the set of them when several do (rare: a set per id
    cost a third of this at scale 10); kept on the Database object and extended by the batches since.

    A folder of entity files would otherwise recompute every stored id's skeleton for each file; the ids of
    the batch checked last reuse the skeletons computed for its check.
    """
    top = db.conn.execute("select coalesce(max(id), 0) from batches").fetchone()[0]
    seen, known = getattr(db, "_graphrisk_skeletons", (-1, None))
    if known is None or top < seen:
        known, seen = {}, -1
    if top != seen:
        memo = getattr(db, "_graphrisk_batch_skeletons", None) or {}
        tables = set(db.table_names())
        for k in schema.ENTITY_TABLES:
            if k not in tables:
                continue
            kpk = schema.KINDS[k].id_column
            for (i,) in db.conn.execute(f"select [{kpk}] from [{k}] where _batch > ? or _batch is null", [seen]):
                if not isinstance(i, str):
                    continue
                sk = memo.get(i) or values.id_skeleton(i)
                have = known.setdefault(sk, i)
                if have == i:
                    continue
                if isinstance(have, str):
                    known[sk] = {have, i}
                else:
                    have.add(i)
        db._graphrisk_skeletons = (top, known)  # type: ignore[attr-defined]
    db._graphrisk_batch_skeletons = None  # type: ignore[attr-defined]
    return known


def created_on_good_rows(prep: Prepared, created: list[dict]) -> list[dict]:
    """Entities created from names, only when a row that will be stored names them.

    With --skip-bad-rows a name given only on rejected rows must not become an entity.
    """
    if not prep.bad or not created:
        return created
    good = np.ones(len(prep.frame), dtype=bool)
    good[list(prep.bad)] = False
    used: set = set()
    for id_col in prep.name_columns:
        used |= set(prep.frame.loc[good, id_col].dropna())
    out = []
    for c in created:
        eid = c.get("id") or c["row"][schema.KINDS[c["kind"]].id_column]
        if eid in used:
            out.append(c)
    return out
