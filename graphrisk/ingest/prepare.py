"""Turn a text table into the rows a kind stores, collecting every problem with file, row and column.

Parsing is column-wise over distinct values (see ``values.parse_series``), so a
million-row file costs a few pandas passes, not a million Python calls.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import schema, store
from ..resolve.normalize import normalize_names
from . import values
from .readers import Table


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, as data: a code scripts can test, where, and a sentence."""

    file: str
    row: int | None
    column: str
    message: str
    code: str = "invalid_value"  # missing_column, missing_value, bad_<type>, unknown_reference, duplicate_id, ...

    def to_dict(self) -> dict:
        return {"code": self.code, "file": self.file, "row": self.row if self.row is not None else 1,
                "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.file}:{self.row if self.row is not None else 1}"
        return f"{where}:{self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class Prepared:
    kind: str
    frame: pd.DataFrame  # stored columns, parsed; one row per input row
    rows: np.ndarray  # file row numbers
    problems: list[Problem] = field(default_factory=list)
    bad: set[int] = field(default_factory=set)  # positions of rows with a problem
    extra_columns: list[str] = field(default_factory=list)
    name_columns: dict[str, str] = field(default_factory=dict)  # ref column -> name column used
    ref_kinds: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name column -> entity tables (profile)
    # computed where the file was read (graphrisk.ingest.ahead): stored columns' hash parts, which a change
    # of the column must drop (:meth:`changed`), and the look-alike skeleton of each id
    column_hashes: dict[str, np.ndarray] = field(default_factory=dict)
    skeletons: dict[str, str] = field(default_factory=dict)

    def add(self, pos: int | None, column: str, message: str, file: str, code: str = "invalid_value") -> None:
        row = int(self.rows[pos]) if pos is not None else None
        self.problems.append(Problem(file, row, column, message, code))
        if pos is not None:
            self.bad.add(pos)

    def changed(self, column: str) -> None:
        """``column``'s values were changed: its hash part is recomputed."""
        self.column_hashes.pop(column, None)


METHOD_ALIASES = {
    "公开招标": "open_tender", "open": "open_tender", "open tender": "open_tender",
    "邀请招标": "invited_tender", "invited": "invited_tender", "selective": "invited_tender",
    "竞争性谈判": "competitive_negotiation", "竞争性磋商": "competitive_negotiation",
    "negotiated": "competitive_negotiation", "单一来源": "single_source", "单一来源采购": "single_source",
    "sole source": "single_source", "直接采购": "direct", "直接委托": "direct", "direct award": "direct",
    "询价": "competitive_negotiation",
}


def _none_if_empty(s: pd.Series) -> pd.Series:
    """Empty strings become None in an object column (pandas' string dtype would make them NaN); one
    comparison over the array in C instead of a Python test per cell."""
    values = s.to_numpy(dtype=object, copy=True)
    values[values == ""] = None
    return pd.Series(values, index=s.index, dtype=object)


def _map_distinct(series: pd.Series, fn=None, *, many=None) -> pd.Series:
    """``series.map(lambda v: None if v is None else fn(v))``, the same Series, with ``fn`` called once per
    distinct value: a register repeats its channels, methods, currencies and names on every row.
    ``many`` instead of ``fn``: a function of the list of distinct values, when one call for all is cheaper."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object))  # a missing value: code -1
    done = np.empty(len(uniques) + 1, dtype=object)
    if many is not None:
        done[:-1] = many(list(uniques))
    else:
        for i, u in enumerate(uniques):
            done[i] = fn(u)
    return pd.Series(done[codes], index=series.index)


def _norm_method(text: str) -> str:
    s = values.nfkc(text).strip()
    low = s.lower()
    if low in METHOD_ALIASES or s in METHOD_ALIASES:
        return METHOD_ALIASES.get(low, METHOD_ALIASES.get(s))
    cand = low.replace("-", "_").replace(" ", "_")
    return cand


def _norm_relation(text: str) -> str:
    s = values.nfkc(text).strip()
    low = s.lower()
    if low in schema.RELATION_ALIASES:
        return schema.RELATION_ALIASES[low]
    cand = low.replace("-", "_").replace(" ", "_")
    return cand


def guess_kind(columns: list[str]) -> str | None:
    """The kind whose required columns best match ``columns`` (for a wrong-kind hint)."""
    cols = set(columns)
    best, best_score = None, 0.0
    for name, k in schema.KINDS.items():
        req = set(k.required)
        score = len(req & cols) / len(req)
        if score > best_score:
            best, best_score = name, score
    return best if best_score >= 0.99 else None


def prepare(table: Table, settings: dict, currency: str | None = None) -> Prepared:
    """Parse ``table`` into stored columns; structural problems (missing columns) come back alone.

    ``currency`` is the currency of amounts that carry neither a currency
    column value nor a sign (from ``--currency`` or a profile); without it
    such an amount is an error naming its column. A column ``_source_<amount>``
    (from a profile) holds the amount as published where the profile changed it
    (a decimal comma, a value mapped to unknown): it is kept in ``<amount>_text``,
    and an amount left empty with a source text is unknown, not missing.
    """
    kind = schema.KINDS[table.kind]
    frame = table.frame
    file = str(table.path)
    n = len(frame)
    out = pd.DataFrame(index=frame.index)
    prep = Prepared(table.kind, out, table.rows.to_numpy())

    ref_names = {c.name[:-3] + "_name": c.name for c in kind.columns if c.refs and c.name.endswith("_id")}
    missing = []
    for c in kind.columns:
        if not c.required or c.name in frame.columns:
            continue
        alt = c.name[:-3] + "_name" if c.name.endswith("_id") else None
        if alt and alt in frame.columns and c.name != kind.id_column:
            continue
        missing.append(c.name)
    if missing:
        hint = guess_kind(list(frame.columns))
        for m in missing:
            msg = f"required column '{m}' is missing"
            if hint and hint != table.kind:
                msg += f" (the columns look like a '{hint}' file: check the file name or --kind)"
            prep.problems.append(Problem(file, 1, m, msg, "missing_column"))
        return prep

    known = set(kind.column_names) | set(ref_names)
    prep.extra_columns = [c for c in frame.columns if c and c not in known and not c.startswith("_source_")]

    def text(col: str) -> pd.Series:
        if col not in frame.columns:
            return pd.Series([""] * n, index=frame.index, dtype=object)
        cells = frame[col].to_numpy(dtype=object)
        try:  # a column of text (every CSV column): trimmed in one C-level pass
            trimmed = list(map(str.strip, cells))
        except TypeError:  # an empty cell (None, NaN) or a number, from a spreadsheet or JSON
            trimmed = [("" if v is None or v != v else str(v).strip()) for v in cells]
        return pd.Series(trimmed, index=frame.index, dtype=object)

    for c in kind.columns:
        raw = text(c.name)
        unknown = text("_source_" + c.name) if c.type == schema.AMOUNT else None
        if c.required and not (c.name.endswith("_id") and c.name[:-3] + "_name" in frame.columns
                               and c.name != kind.id_column):
            empty = (raw == "") if unknown is None else ((raw == "") & (unknown == ""))
            for pos in np.flatnonzero(empty.to_numpy()):
                prep.add(int(pos), c.name, "required value is missing", file, "missing_value")
        if c.type == schema.DATE:
            parsed, bad = values.parse_series(raw, values.parse_date)
        elif c.type == schema.AMOUNT:
            both, bad = values.parse_series(raw, values.parse_amount)
            parsed = both.map(lambda t: None if t is None else t[0])
            out[c.name + "_text"] = _none_if_empty(unknown.where(unknown != "", raw))
            out["_cur_" + c.name] = both.map(lambda t: None if t is None else t[1])
        elif c.type == schema.PCT:
            parsed, bad = values.parse_series(raw, values.parse_pct)
        elif c.type == schema.BOOL:
            parsed, bad = values.parse_series(raw, values.parse_bool)
        elif c.type == schema.LIST:
            parsed, bad = values.parse_series(raw, values.parse_list)
        elif c.type == schema.NAME:
            parsed, bad = _none_if_empty(raw), {}
            out[c.name + "_norm"] = _map_distinct(raw, many=normalize_names)
        else:
            parsed, bad = _none_if_empty(raw), {}
        for pos, msg in bad.items():
            prep.add(pos, c.name, msg, file, f"bad_{c.type}")
        out[c.name] = parsed
        if c.refs and c.name.endswith("_id") and c.name[:-3] + "_name" in frame.columns:
            name_col = c.name[:-3] + "_name"
            names = text(name_col)
            out[name_col] = _none_if_empty(names)
            prep.name_columns[c.name] = name_col

    # vocabularies and currency
    if "method" in out:
        out["method"] = _map_distinct(out["method"], _norm_method)
    if "channel" in out:
        out["channel"] = _map_distinct(out["channel"], lambda v: values.nfkc(v).strip().lower())
    if table.kind == "relations":
        out["relation_raw"] = out["relation"]
        out["relation"] = _map_distinct(out["relation"], _norm_relation)
    derive_keys(prep)
    for group in kind.one_of:
        filled = np.zeros(n, dtype=bool)
        for c in group:
            filled |= out[c].notna().to_numpy()
            if c in prep.name_columns:
                filled |= out[prep.name_columns[c]].notna().to_numpy()
        for pos in np.flatnonzero(~filled):
            prep.add(int(pos), group[0], f"one of {', '.join(group)} is required", file, "missing_value")
    amount_cols = [c.name for c in kind.columns if c.type == schema.AMOUNT]
    if amount_cols:
        default_cur = (currency or settings["ingest"].get("default_currency") or "").strip().upper() or None
        given = _map_distinct(out["currency"], lambda v: values.nfkc(v).strip().upper())
        signs = out["_cur_" + amount_cols[0]]
        for pos in np.flatnonzero((given.notna() & signs.notna() & (given != signs)).to_numpy()):
            prep.add(int(pos), "currency",
                     f"currency '{given.iloc[pos]}' contradicts the sign in the amount "
                     f"'{out[amount_cols[0] + '_text'].iloc[pos]}'", file)
        cur = given.where(given.notna(), signs)
        has_amount = out[amount_cols[0]].notna()
        if default_cur:
            cur = cur.where(cur.notna() | ~has_amount, default_cur)
        else:  # never a silent default: an amount needs its currency
            from ..i18n import t

            for pos in np.flatnonzero((cur.isna() & has_amount).to_numpy()):
                prep.add(int(pos), amount_cols[0],
                         t("profiles.ingest.no_currency", amount=out[amount_cols[0] + "_text"].iloc[pos]), file,
                         code="missing_currency")
        out["currency"] = cur
        out = out.drop(columns=["_cur_" + a for a in amount_cols])
        prep.frame = out

    # date order
    for start, end in (("start_date", "end_date"),):
        if start in out and end in out:
            s, e = out[start].to_numpy(dtype=object), out[end].to_numpy(dtype=object)
            mask = (out[start].notna() & out[end].notna()).to_numpy()
            for pos in np.flatnonzero(mask):
                if e[pos] < s[pos]:
                    prep.add(int(pos), end, f"end date {e[pos]} is before start date {s[pos]}", file, "date_order")

    if prep.extra_columns:
        extra = frame[prep.extra_columns].astype(object)
        cols = prep.extra_columns
        out["_extra"] = [
            (json.dumps({k: v for k, v in zip(cols, vals) if v not in ("", None)}, ensure_ascii=False)
             if any(v not in ("", None) for v in vals) else None)
            for vals in extra.itertuples(index=False, name=None)
        ]
    return prep


def derive_keys(prep: Prepared) -> None:
    """Ties (relations, memberships): the id is derived from the key columns, one tie per key.

    Called again by ingest once ``*_name`` references are resolved, so a key never holds an empty
    place where a name will become an id.
    """
    kind = schema.KINDS[prep.kind]
    if kind.key:
        out = prep.frame
        cols = [out[c].to_numpy(dtype=object) for c in kind.key]
        if all(pd.api.types.infer_dtype(c, skipna=False) == "string" for c in cols):  # no empty place: joined in C
            out[kind.id_column] = list(map("|".join, zip(*cols)))
        else:
            out[kind.id_column] = [schema.tie_key(vals) for vals in zip(*cols)]


def column_hashes(frame: pd.DataFrame, columns) -> dict[str, np.ndarray]:
    """Each column's part of :func:`content_hash` (a column the frame lacks counts as empty), so a part can
    be computed where the file is read and only the columns changed since recomputed."""
    out = {}
    for c in columns:
        s = frame[c] if c in frame else pd.Series([None] * len(frame), index=frame.index, dtype=object)
        out[c] = _text_column_hash(s)
        if out[c] is None:
            canon = s.astype(object).where(s.notna(), "").astype(str)
            out[c] = pd.util.hash_pandas_object(canon, index=False).to_numpy(dtype=np.uint64)
    return out


def _text_column_hash(s: pd.Series) -> np.ndarray | None:
    """The hash part of a column of text and missing cells, hashed as an object array (the same values as
    through pandas' text dtype, in a fifth of the time for a column of distinct ids); None for another
    column. A column of few distinct values is hashed once per value (pandas' ``categorize``), judged on its
    first rows: either way gives the same values."""
    if s.dtype != object:
        return None
    vals = s.to_numpy(dtype=object, copy=True)
    if pd.api.types.infer_dtype(vals, skipna=True) not in ("string", "empty"):
        return None
    vals[pd.isna(vals)] = ""
    head = vals[:2000]
    return pd.util.hash_array(vals, categorize=len(set(head)) * 2 < len(head))


def combine_hashes(parts: list[np.ndarray], n: int) -> np.ndarray:
    """pandas' combination of column hashes into row hashes (``hash_pandas_object`` of a frame: CPython's
    tuple hash), so rows hash as they always have; tests/test_ingest_hash.py checks it against pandas."""
    out = np.full(n, 0x345678, dtype=np.uint64)
    mult = np.uint64(1000003)
    for i, a in enumerate(parts):
        out ^= a
        out *= mult
        mult += np.uint64(82520 + 2 * (len(parts) - i))
    return out + np.uint64(97531)


def content_hash(frame: pd.DataFrame, columns: list[str], known: dict[str, np.ndarray] | None = None) -> pd.Series:
    """A 16-hex-digit fingerprint of each row's stored values (provenance excluded).

    ``known``: columns' parts already computed (:func:`column_hashes`, by the process that read the file),
    valid for the frame as it is now: a column changed since must not be in it.
    """
    if len(frame) == 0:
        return pd.Series([], dtype=object)
    known = {c: h for c, h in (known or {}).items() if len(h) == len(frame)}
    fresh = column_hashes(frame, [c for c in columns if c not in known])
    h = combine_hashes([known[c] if c in known else fresh[c] for c in columns], len(frame))
    return pd.Series(_hex16(h), index=frame.index, dtype=object)


def _hex16(h: np.ndarray) -> np.ndarray:
    """Each 64-bit value as 16 lowercase hex digits (``f"{x:016x}"``), made in C: one hex string of the
    big-endian bytes, cut into 16-character strings."""
    text = h.astype(">u8").tobytes().hex().encode("ascii")
    return np.frombuffer(text, dtype="S16").astype("U16").astype(object)


def stored_columns(kind: str) -> list[str]:
    return [c for c in store.table_columns(kind) if c not in store.PROVENANCE]
