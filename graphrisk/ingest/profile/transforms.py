"""Value transforms a profile applies: value-map skips, id templates, Excel serials, decimal commas, content ids.

Kept apart from :mod:`.apply` (which sequences them over a table) so that
each can be read, and tested, on its own; most work once per distinct value
because a register repeats its values.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ...i18n import t
from .. import values
from .headers import _key, _norm_header, slug

SKIP = object()  # a value map target: the row holds no record

_FILTERS = {"slug": slug, "lower": lambda s: s.lower(), "upper": lambda s: s.upper(), "strip": str.strip,
            "digits": lambda s: re.sub(r"\D", "", s), "trim": lambda s: " ".join(s.split())}
_FIELD = re.compile(r"\{([^{}:]+)(?::([a-z]+))?\}")


_SERIAL = re.compile(r"^\d{4,6}(?:\.\d+)?$")


def _excel_date(text: str) -> str:
    """An Excel serial day number (1900 date system, as exported to CSV) → ISO date."""
    from datetime import date, timedelta

    n = float(text)
    if not 1 <= n < 2958466:
        raise ValueError(t("profiles.err.serial", value=text))
    return (date(1899, 12, 30) + timedelta(days=int(n))).isoformat()


def _decimal_comma(v: str) -> str:
    s = str(v)
    if not any(ch.isdigit() for ch in s):
        return s
    for sep in (".", " ", "\u00a0", "\u202f", "'"):
        s = s.replace(sep, "")
    return s.replace(",", ".")


def _unknown_text(col: pd.Series, mask: pd.Series) -> pd.Series:
    """The source text of values mapped to empty (an empty source cell says so), '' elsewhere."""
    empty = t("profiles.value.empty")
    return col.where(mask, "").where(~(mask & (col.str.strip() == "")), empty)


def _remap(problems: list[tuple[int, str, str]], keep: np.ndarray) -> list[tuple[int, str, str]]:
    """Row problems after dropping the rows not kept (positions renumbered)."""
    new = np.cumsum(keep) - 1
    return [(int(new[pos]), col, msg) for pos, col, msg in problems if keep[pos]]


_TIMESTAMP_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DATEISH = re.compile(r"^\s*(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{8})")


def _date_like(s: pd.Series) -> pd.Series:
    return _by_value(s, lambda v: bool(_DATEISH.match(values.nfkc(v)))).astype(bool)


def _by_value(s: pd.Series, f) -> pd.Series:
    """``s.map(f)`` computed once per distinct value (a register repeats its values)."""
    done = {u: f(u) for u in pd.unique(s.to_numpy(dtype=object))}
    return pd.Series([done[v] for v in s.to_numpy(dtype=object)], index=s.index, dtype=object)


def _keys(s: pd.Series) -> pd.Series:
    return _by_value(s, _key)


def _render(tpl: str, text: pd.DataFrame, out: pd.DataFrame, rows: np.ndarray, path: Path) -> list[str]:
    """Fill ``{column}`` / ``{column:filter}`` / ``{_row}`` / ``{_file}`` per row; '' when a field is empty."""
    n = len(out)
    parts: list[list[str] | str] = []  # literal text and one value list per field, column-wise
    pos = 0
    for m in _FIELD.finditer(tpl):
        parts.append(tpl[pos:m.start()])
        pos = m.end()
        name, flt = _norm_header(m.group(1)), m.group(2)
        if name == "_row":
            vals = [str(int(r)) for r in rows]
        elif name == "_file":
            vals = [path.stem] * n
        elif name in text.columns:
            vals = [str(v).strip() for v in text[name].to_numpy()]
        elif name in out.columns:
            vals = ["" if v is None else str(v).strip() for v in out[name].to_numpy()]
        else:
            vals = [""] * n
        if flt:
            f = _FILTERS[flt]
            done = {u: f(u) for u in set(vals)}
            vals = [done[v] for v in vals]
        parts.append(vals)
    parts.append(tpl[pos:])
    fields = [x for x in parts if isinstance(x, list)]
    result = []
    for i in range(n):
        if any(not f[i] for f in fields):
            result.append("")
            continue
        result.append("".join(x if isinstance(x, str) else x[i] for x in parts))
    return result


def _content_ids(out: pd.DataFrame, cols: list[str], prefix: str) -> list[str]:
    """A stable id per row from its canonical values; identical rows get -2, -3 … (none is dropped)."""
    seen: Counter = Counter()
    ids = []
    cols = [c for c in dict.fromkeys(cols) if not c.startswith("_")]
    as_text = [_by_value(out[c], str).tolist() for c in cols]
    for vals in zip(*as_text):
        h = hashlib.sha1("\x1f".join(vals).encode("utf-8")).hexdigest()[:12]
        seen[h] += 1
        ids.append(f"{prefix}{h}" + (f"-{seen[h]}" if seen[h] > 1 else ""))
    return ids
