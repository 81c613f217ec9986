"""Identifier schemes: which register a number belongs to, so only numbers of one scheme are compared.

A strong identifier decides a match: the same number of one scheme is the
same entity, two different numbers of one scheme are never the same entity.
Numbers of different schemes (a Companies House number and an EU
Transparency Register number of one firm) say nothing about each other.

Schemes recognised (:func:`scheme_of`):

- ``EU-TR``: EU Transparency Register, ``0801162959-21`` (9 to 12 digits, a hyphen, 2 digits);
- ``LEI``: Legal Entity Identifier (ISO 17442), 20 characters with ISO 7064 mod 97 check digits;
- ``CN-USCC``: unified social credit code (统一社会信用代码), 18 characters;
- ``CN-ID``: a Chinese citizen id number (18 digits or 17 and X, or 15 digits), in an id_number column;
- ``GB-COH``: UK Companies House number, zero-padded to 8 (``SC079939``, ``00882843``);
- otherwise the column's own scheme (``registration_no`` or ``id_number``).

Numbers written inside names (``Microsoft 0801162959-21``) are found by
:func:`embedded`; only self-evident forms are taken from a name (EU-TR, a
check-digit-valid LEI or credit code, a number labelled "company number").
"""
from __future__ import annotations

import functools
import re
import unicodedata

from .normalize import normalize_identifier

EU_TR, LEI, CN_USCC, CN_ID, GB_COH = "EU-TR", "LEI", "CN-USCC", "CN-ID", "GB-COH"

_EU_TR = re.compile(r"(?<![\d-])(\d{9,12})\s?-\s?(\d{2})(?![\d-])")
_LEI = re.compile(r"(?<![A-Z0-9])([A-Z0-9]{18}\d{2})(?![A-Z0-9])")
_USCC = re.compile(r"(?<![A-Z0-9])([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})(?![A-Z0-9])")
_LABELLED_CH = re.compile(r"(?:company|registration|reg\.?|crn|companies house)\s*(?:number|no\.?|n[ºo°])?\s*[:#]?\s*"
                          r"([A-Z]{2}\d{6}|\d{6,8})\b", re.IGNORECASE)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def lei_valid(code: str) -> bool:
    """ISO 17442 / ISO 7064 mod 97-10 check digits of a 20-character LEI."""
    if not re.fullmatch(r"[A-Z0-9]{18}\d{2}", code):
        return False
    digits = "".join(str(int(c, 36)) for c in code)
    return int(digits) % 97 == 1


def uscc_valid(code: str) -> bool:
    """GB 32100-2015 check character of an 18-character unified social credit code."""
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


@functools.lru_cache(maxsize=200_000)
def scheme_of(value, field: str = "registration_no") -> tuple[str, str] | None:
    """(scheme, normalised number) of an identifier value, or None when there is none."""
    if value is None:
        return None
    raw = unicodedata.normalize("NFKC", str(value)).strip().upper()
    if not raw:
        return None
    m = _EU_TR.search(raw)
    if m and not re.search(r"[A-Z]{2}\d", raw.replace(m.group(0), "")):
        return EU_TR, f"{m.group(1)}-{m.group(2)}"
    compact = re.sub(r"[\s\-./_]", "", raw)
    if len(compact) == 20 and lei_valid(compact):
        return LEI, compact
    n = normalize_identifier(value)
    if not n:
        return None
    if len(n) == 18 and re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", n):
        if field == "id_number" and re.fullmatch(r"\d{17}[\dX]", n):
            return CN_ID, n
        if re.fullmatch(r"\d{17}[\dX]", n) and not uscc_valid(n) and field != "registration_no":
            return CN_ID, n
        return CN_USCC, n
    if field == "id_number" and re.fullmatch(r"\d{15}", n):
        return CN_ID, n
    if re.fullmatch(r"[A-Z]{0,2}\d{6,8}", n) and len(n) == 8 and field == "registration_no":
        return GB_COH, n
    return field, n


def embedded(name: str | None) -> list[tuple[str, str]]:
    """Identifiers written inside a name: [(scheme, number)], in order of appearance."""
    if not name:
        return []
    s = unicodedata.normalize("NFKC", str(name)).upper()
    out = []
    for m in _EU_TR.finditer(s):
        out.append((m.start(), EU_TR, f"{m.group(1)}-{m.group(2)}"))
    for m in _LEI.finditer(s):
        if lei_valid(m.group(1)):
            out.append((m.start(), LEI, m.group(1)))
    for m in _USCC.finditer(s):
        if uscc_valid(m.group(1)):
            out.append((m.start(), CN_USCC, m.group(1)))
    for m in _LABELLED_CH.finditer(s):
        out.append((m.start(), GB_COH, normalize_identifier(m.group(1))))
    return [(sch, num) for _, sch, num in sorted(out)]


_STRIP = [_EU_TR, re.compile(r"(?<![A-Z0-9])[A-Z0-9]{18}\d{2}(?![A-Z0-9])", re.IGNORECASE), _LABELLED_CH]


def strip_embedded(name: str | None) -> str:
    """The name without the identifiers written in it (``Microsoft 0801162959-21`` → ``Microsoft``)."""
    if not name:
        return name or ""
    s = str(name)
    if not embedded(s):
        return s
    for rx in _STRIP:
        s = rx.sub(" ", s)
    s = re.sub(r"\(\s*\)|\[\s*\]", " ", s)
    return re.sub(r"\s+", " ", s).strip(" ,;:-") or str(name)


def record_ids(rec) -> dict[str, str]:
    """:func:`ids_of` a :class:`~graphrisk.resolve.records.Record` (any object with those attributes)."""
    return dict(_ids(rec.id_number, rec.registration_no, rec.name))


def ids_of(id_number=None, registration_no=None, name: str | None = None) -> dict[str, str]:
    """Every strong identifier of a record by scheme: its columns first, then numbers inside its name."""
    return dict(_ids(id_number, registration_no, name))


@functools.lru_cache(maxsize=200_000)
def _ids(id_number, registration_no, name) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    for field, value in (("id_number", id_number), ("registration_no", registration_no)):
        sv = scheme_of(str(value), field) if value else None
        if sv:
            out.setdefault(sv[0], sv[1])
    for sch, num in embedded(name):
        out.setdefault(sch, num)
    return tuple(out.items())
