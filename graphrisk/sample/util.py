"""Vectorised helpers: fixed-width ids, grouped picks, chunked tables, date and amount forms."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .params import _TABLE_BASE, CURRENCY_SIGNS


def _digits(arr, width: int) -> np.ndarray:
    """Non-negative ints -> zero-padded fixed-width unicode strings (vectorised)."""
    arr = np.asarray(arr, dtype=np.int64)
    p = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    d = ((arr[:, None] // p) % 10 + 48).astype(np.uint32)
    return np.ascontiguousarray(d).view(f"<U{width}")[:, 0]


def _chars(codes: np.ndarray, alphabet: str) -> np.ndarray:
    """(n, w) matrix of indices into alphabet -> n strings of width w."""
    lut = np.array([ord(c) for c in alphabet], dtype=np.uint32)
    w = codes.shape[1]
    return np.ascontiguousarray(lut[codes]).view(f"<U{w}")[:, 0]


def _obj(a) -> np.ndarray:
    return np.asarray(a, dtype=object)


def _ints_str(a) -> np.ndarray:
    return pd.Series(np.asarray(a, dtype=np.int64)).astype(str).to_numpy(dtype=object)


class _Groups:
    """Members grouped by an int key, to pick a random member of a given group fast."""

    def __init__(self, keys, members, n_groups: int):
        keys = np.asarray(keys, dtype=np.int64)
        members = np.asarray(members, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self.members = members[order]
        self.counts = np.bincount(keys, minlength=n_groups) if len(keys) else np.zeros(n_groups, np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.counts)[:-1]]).astype(np.int64)

    def pick(self, rng, groups) -> np.ndarray:
        groups = np.asarray(groups, dtype=np.int64)
        if len(self.members) == 0:
            return np.full(len(groups), -1, np.int64)
        cnt = self.counts[groups]
        r = (rng.random(len(groups)) * cnt).astype(np.int64)
        idx = np.minimum(self.offsets[groups] + r, len(self.members) - 1)
        return np.where(cnt > 0, self.members[idx], -1)

    def all(self, g: int) -> np.ndarray:
        return self.members[self.offsets[g]:self.offsets[g] + self.counts[g]]


class _Table:
    """Columns collected in chunks, concatenated once."""

    def __init__(self, cols: dict):
        self.defaults = cols
        self.chunks: list[dict] = []
        self.n = 0

    def add(self, **cols) -> np.ndarray:
        lengths = [len(v) for v in cols.values() if np.ndim(v) > 0]
        n = max(lengths) if lengths else 1  # scalars alone make one row; with arrays they are repeated
        chunk = {}
        for c, default in self.defaults.items():
            v = cols.get(c, default)
            scalar = np.ndim(v) == 0
            v = np.atleast_1d(np.asarray(v, dtype=object if isinstance(default, str) else None))
            if scalar and n != 1:
                v = np.repeat(v, n)
            chunk[c] = v
        self.chunks.append(chunk)
        start = self.n
        self.n += n
        return np.arange(start, start + n)

    def frame(self) -> pd.DataFrame:
        out = {}
        for c, default in self.defaults.items():
            parts = [ch[c] for ch in self.chunks]
            if isinstance(default, str):
                out[c] = np.concatenate([p.astype(object) for p in parts]) if parts else np.array([], object)
            else:
                out[c] = np.concatenate(parts) if parts else np.array([], type(default))
        return pd.DataFrame(out)


def _date_tables(end: date):
    """Every day from 1940 to ``end`` in five written forms (ISO first), indexed by days since 1940-01-01."""
    d = pd.date_range(_TABLE_BASE, end, freq="D")
    y = pd.Series(d.year.astype(str))
    m = pd.Series(d.month.astype(str))
    dd = pd.Series(d.day.astype(str))
    m2, d2 = m.str.zfill(2), dd.str.zfill(2)
    iso = (y + "-" + m2 + "-" + d2).to_numpy(dtype=object)
    compact = (y + m2 + d2).to_numpy(dtype=object)
    forms = [iso, (y + "/" + m + "/" + dd).to_numpy(dtype=object), (y + "." + m2 + "." + d2).to_numpy(dtype=object),
             compact, (y + "年" + m + "月" + dd + "日").to_numpy(dtype=object)]
    return forms


def _iso(start: date, off: int) -> str:
    return date.fromordinal(start.toordinal() + int(off)).isoformat()


def _fmt_amounts(rng, values: np.ndarray, rate: float, currency: str = "CNY") -> np.ndarray:
    """Integer amounts -> text; a share ``rate`` in a messy but valid form of the currency
    (¥12,000, ￥12000元, 1.2万 for CNY; £12,000, 12000 GBP for others)."""
    v = np.asarray(values, dtype=np.int64)
    out = _ints_str(v)
    if len(v) == 0:
        return out
    sel = np.flatnonzero(rng.random(len(v)) < rate)
    if len(sel) == 0:
        return out
    form = rng.integers(0, 5, len(sel))
    sv = pd.Series(v[sel])
    plain = sv.astype(str)
    comma = sv.map("{:,}".format)
    q, r = sv // 10000, sv % 10000
    wan = q.astype(str) + np.where(r > 0, "." + r.astype(str).str.zfill(4).str.rstrip("0"), "") + "万"
    if currency == "CNY":
        choices = [("¥" + comma), ("￥" + plain + "元"), wan, comma, comma + ".00"]
    elif currency in CURRENCY_SIGNS:
        sign = CURRENCY_SIGNS[currency]
        choices = [(sign + comma), (plain + " " + currency), (sign + plain), comma, comma + ".00"]
    else:  # a currency without a sign readers know: the currency column alone says it
        choices = [comma, comma + ".00", comma, comma, comma + ".00"]
    res = np.empty(len(sel), dtype=object)
    for k, ch in enumerate(choices):
        mk = form == k
        res[mk] = ch.to_numpy(dtype=object)[mk]
    out[sel] = res
    return out
