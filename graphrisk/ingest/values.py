"""Parsers for the value forms real registers contain (dates, amounts, booleans, percentages).

Each ``parse_*`` takes one text value and returns the parsed value or raises
``ValueError`` with a message fit for a user. The ``*_series`` helpers parse a
pandas Series by its distinct values, which is what makes ingest fast: a
column of a million dates has a few hundred distinct values.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date

import numpy as np
import pandas as pd

_DATE_SEP = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# ISO 8601 timestamps: 2024-12-22T00:00:00Z, 2025-01-15T10:23:45.123+01:00 (the date as written)
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE)
# day and month first forms: 22/12/2024, 22-12-2024, 22.12.2024, 2/12/2024, 22/12/24 is not accepted
_DATE_DMY = re.compile(r"^(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


# month names (English, French, German, Spanish, Italian, Portuguese, Dutch; full and short)
_MONTHS: dict[str, int] = {}
for _i, _names in enumerate([
        "january jan janvier janv januar jän enero ene gennaio gen janeiro januari",
        "february feb février fevrier févr fevr februar febrero febbraio fevereiro fev februari",
        "march mar mars märz maerz marzo março marco maart mrt",
        "april apr avril abril aprile abr",
        "may mai mayo maggio mag maio mei",
        "june jun juin juni junio giugno giu junho",
        "july jul juillet juil juli julio luglio lug julho",
        "august aug août aout august agosto ago augustus",
        "september sep sept septembre septiembre settembre set setembro",
        "october oct octobre oktober okt octubre ottobre ott outubro out",
        "november nov novembre noviembre novembro",
        "december dec décembre decembre dezember dez diciembre dic dicembre dezembro"], start=1):
    for _n in _names.split():
        _MONTHS[_n] = _i
_WORD = r"([^\W\d_]+)\.?"
_DATE_DAY_MONTH = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?[\s\-/]*(?:de\s+)?{_WORD}[\s\-/,]*(?:de\s+)?(\d{{4}})$",
                             re.IGNORECASE)
_DATE_MONTH_DAY = re.compile(rf"^{_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$", re.IGNORECASE)


def _month_name_date(s: str) -> tuple[int, int, int] | None:
    """``3 March 2025``, ``03-Mar-2025``, ``March 3, 2025``, ``3. März 2025``, ``3 de marzo de 2025`` → (y, m, d)."""
    m = _DATE_DAY_MONTH.match(s)
    if m and m.group(2).lower() in _MONTHS:
        return int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))
    m = _DATE_MONTH_DAY.match(s)
    if m and m.group(1).lower() in _MONTHS:
        return int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))
    return None


def _t(key: str, **params) -> str:
    """A message from the catalogue (messages/errors.toml) in the current language."""
    from ..i18n import t

    return t(key, **params)


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width digits, letters, signs and spaces become their plain forms."""
    return unicodedata.normalize("NFKC", text)


def parse_date(text: str, dayfirst: bool | None = None) -> str:
    """Read a date in the forms registers use → ISO date.

    Year first: ``2026-03-02``, ``2026/3/2``, ``2026.03.02``, ``20260302``,
    ``2026年3月2日``, ISO timestamps ``2024-12-22T00:00:00Z`` (the date as
    written, whatever the offset). Day or month first: ``22/12/2024``,
    ``22-12-2024``, ``22.12.2024``. Month names: ``3 March 2025``, ``03-Mar-2025``,
    ``March 3, 2025``, ``3. März 2025``, ``3 de marzo de 2025``. A day-or-month-first date that reads both
    ways (``06/07/2025``) is an error unless ``dayfirst`` says which (True:
    day first, False: month first); one that reads one way only
    (``22/12/2024``) is read that way.
    """
    s = nfkc(str(text)).strip()
    m = _DATE_SEP.match(s) or _DATE_COMPACT.match(s) or _TIMESTAMP.match(s)
    named = None if m else _month_name_date(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    elif named:
        y, mo, d = named
    else:
        m = _DATE_DMY.match(s)
        if not m:
            raise ValueError(_t("errors.value.not_date", value=text))
        a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if dayfirst is None:
            if a > 12 >= b:
                dayfirst = True
            elif b > 12 >= a:
                dayfirst = False
            elif a == b:
                dayfirst = True
            else:
                raise ValueError(_t("errors.value.ambiguous_date", value=text, dayfirst=_iso(y, b, a),
                                    monthfirst=_iso(y, a, b)))
        d, mo = (a, b) if dayfirst else (b, a)
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        raise ValueError(_t("errors.value.not_calendar_date", value=text)) from None


def _iso(y: int, mo: int, d: int) -> str:
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return "no such date"


def parse_date_formats(text: str, formats: list[str]) -> str:
    """Read a date with explicit ``strptime`` formats, first that fits (``%d/%m/%Y``, ``%Y-%m-%dT%H:%M:%S%z``)."""
    from datetime import datetime

    s = nfkc(str(text)).strip()
    for f in formats:
        try:
            return datetime.strptime(s, f).date().isoformat()
        except ValueError:
            continue
    raise ValueError(_t("errors.value.not_date_formats", formats=", ".join(formats), value=text))


_CURRENCY_SIGNS = {"¥": "CNY", "元": "CNY", "RMB": "CNY", "CNY": "CNY", "人民币": "CNY",
                   "$": "USD", "USD": "USD", "US$": "USD", "£": "GBP", "GBP": "GBP", "€": "EUR",
                   "EUR": "EUR", "HK$": "HKD", "HKD": "HKD"}
_MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}
_AMOUNT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# With commas: 1,234 / 12,345,678.50 (groups of three); 1,2,3,4 is not an amount.
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?[万亿]?$")
# Beyond any register's amount, and where float arithmetic stops being exact to the cent.
MAX_AMOUNT = 1e18


_SIGNS_LONGEST_FIRST = sorted(_CURRENCY_SIGNS, key=len, reverse=True)
_PLAIN = re.compile(r"\d+(\.\d*)?", re.ASCII)  # what most registers write: read as the full path reads it


def parse_amount(text: str) -> tuple[float, str | None]:
    """Read ``12000``, ``12,000.00``, ``¥12,000``, ``￥12000元``, ``1.2万`` → (12000.0, currency or None).

    A negative amount is an error: registers record what was given or paid.
    """
    raw = str(text)
    if _PLAIN.fullmatch(raw):
        value = float(raw)
        if value <= MAX_AMOUNT:
            return round(value, 2), None
    s = nfkc(raw).strip().replace("\u00a0", " ")
    currency = None
    for sign in _SIGNS_LONGEST_FIRST:
        if sign in s.upper() if sign.isascii() and sign.isalpha() else sign in s:
            currency = _CURRENCY_SIGNS[sign]
            s = re.sub(re.escape(sign), "", s, flags=re.IGNORECASE)
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if "," in s and not _GROUPED.match(s.replace(" ", "")):
        raise ValueError(_t("errors.value.amount_commas", value=raw))
    s = s.replace(",", "").replace(" ", "").replace("_", "")
    mult = 1
    if s and s[-1] in _MULTIPLIERS:
        mult, s = _MULTIPLIERS[s[-1]], s[:-1]
    if not _AMOUNT.match(s):
        raise ValueError(_t("errors.value.not_amount", value=raw))
    value = float(s) * mult
    if not math.isfinite(value) or value > MAX_AMOUNT:
        shown = raw if len(raw) <= 40 else raw[:40] + f"… ({len(raw)})"
        raise ValueError(_t("errors.value.amount_too_large", value=shown, cap=f"{MAX_AMOUNT:,.0f}"))
    if negative or value < 0:
        raise ValueError(_t("errors.value.negative_amount", value=raw))
    return round(value, 2), currency


def parse_pct(text: str) -> float:
    s = nfkc(str(text)).strip().rstrip("%").strip()
    try:
        v = float(s.replace(",", ""))
    except ValueError:
        raise ValueError(_t("errors.value.not_pct", value=text)) from None
    if not 0 <= v <= 100:
        raise ValueError(_t("errors.value.pct_range", value=text))
    return v


_TRUE = {"yes", "y", "true", "t", "1", "是", "已申报", "申报", "已登记", "declared"}
_FALSE = {"no", "n", "false", "f", "0", "否", "未申报", "未登记", "undeclared"}


def parse_bool(text: str) -> int:
    s = nfkc(str(text)).strip().lower()
    if s in _TRUE:
        return 1
    if s in _FALSE:
        return 0
    raise ValueError(_t("errors.value.not_bool", value=text))


def parse_list(text: str) -> str:
    """``O1; P2 ;；O3`` → ``O1;P2;O3`` (semicolons, full-width too)."""
    parts = [p.strip() for p in re.split(r"[;；]", nfkc(str(text)))]
    return ";".join(p for p in parts if p)


def parse_series(series: pd.Series, parser) -> tuple[pd.Series, dict[int, str]]:
    """Parse a Series of text by its distinct values.

    Returns the parsed Series (None where empty) and ``{position: message}``
    for the values that failed. Empty strings are None, not errors: whether a
    value is required is checked separately.
    """
    values = series.to_numpy(dtype=object)
    parsed: dict = {}
    errors: dict[str, str] = {}
    for u in pd.unique(values):
        if u is None or u == "":
            continue
        try:
            parsed[u] = parser(u)
        except ValueError as exc:
            errors[u] = str(exc)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)  # each distinct value looked up once
    done = np.empty(len(uniques), dtype=object)
    for i, u in enumerate(uniques):  # one by one: a parsed value may be a tuple, which a slice would unpack
        done[i] = parsed.get(u) if u not in ("", None) else None
    out = pd.Series(done[codes], index=series.index, dtype=object)
    bad = {}
    if errors:
        for pos, v in enumerate(values):
            if v in errors:
                bad[pos] = errors[v]
    return out, bad


# ------------------------------------------------------------------ ids and ranges (issue 14)


_ID_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                           "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]")


def id_problem(text: str) -> str | None:
    """Why ``text`` (already NFKC) cannot be an id: an invisible, format or control character; else None."""
    for ch in text:
        if _ID_INVISIBLE.match(ch) or unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cn", "Zl", "Zp"):
            name = unicodedata.name(ch, "unnamed character").lower()
            return _t("errors.value.invisible_in_id", code=f"{ord(ch):04X}", name=name,
                      value=text.encode("unicode_escape").decode("ascii"))
    return None


def normalize_id(text: str) -> str:
    """An id as stored: NFKC (full-width Ｏ０１ → O01), trimmed; raises ValueError for invisible characters."""
    s = nfkc(str(text)).strip()
    msg = id_problem(s)
    if msg:
        raise ValueError(msg)
    return s


# Letters of other scripts drawn like Latin ones (Unicode confusables, the common part).
_CONFUSABLE = str.maketrans({
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c", "Т": "t",
    "У": "y", "Х": "x", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "І": "i", "ј": "j", "Ј": "j", "ѕ": "s", "Ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "Ԝ": "w",
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o",
    "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "ο": "o", "ν": "v", "ι": "i", "κ": "k", "ρ": "p",
})


def id_skeleton(text: str) -> str:
    """What an id looks like: NFKC, case-folded, Cyrillic and Greek look-alikes mapped to Latin.

    Two different ids with one skeleton (``O0001`` / Cyrillic ``О0001`` / ``o0001``) display
    alike, so ingest warns about them. ASCII text is its own NFKC form and holds no look-alike letter, and
    its case fold is its lower case: a twentieth of the time for the usual id.
    """
    text = str(text)
    if text.isascii():
        return text.lower()
    return nfkc(text).casefold().translate(_CONFUSABLE)


def check_date_range(iso: str, lo: str, hi: str) -> str | None:
    """A message when the ISO date ``iso`` is outside [lo, hi] (settings [limits] min_date / max_date)."""
    if iso and (iso[:10] < lo or iso[:10] > hi):
        return _t("errors.value.date_range", date=iso[:10], lo=lo, hi=hi)
    return None


def check_amount_range(value: float | None, hi: float) -> str | None:
    """A message when an amount is not finite or above ``hi`` (settings [limits] max_amount)."""
    if value is None:
        return None
    if not math.isfinite(value):
        return _t("errors.value.not_finite")
    if value > hi:
        return _t("errors.value.amount_range", value=f"{value:,.2f}", cap=f"{hi:,.0f}")
    return None
