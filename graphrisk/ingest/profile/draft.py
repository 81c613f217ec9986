"""``graphrisk profile draft``: a commented profile written by reading a file's headers and values.

Everything the draft infers (the kind, day-first dates, the currency, nil
returns, multi-valued cells) is said in a comment for the user to check.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ... import schema
from ...errors import InputError
from ...i18n import t
from .. import readers, values
from .apply import read_source
from .headers import _key, _norm_header, synonym_mapping
from .transforms import _TIMESTAMP_ONLY, _decimal_comma


def guess_kind(headers: list[str]) -> str | None:
    """The record or entity kind whose columns the headers name best (by name or synonym)."""
    best, score = None, 0
    for kind, k in schema.KINDS.items():
        m = synonym_mapping(kind, headers)
        req = [c for c in k.required if c != k.id_column]
        hits = sum(1 for c in req if c in m or (c.endswith("_id") and c[:-3] + "_name" in m))
        s = hits * 10 + len(m) - (len(req) - hits) * 5
        if s > score:
            best, score = kind, s
    return best


_EURO_NUMBER = re.compile(r"(?:^|[^\d.,])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?:$|[^\d.,])|(?:^|[^\d.,])\d+,\d{1,2}(?:$|[^\d.,])")
_ID_LIKE = re.compile(r"^[A-Za-z]{0,6}[-_:/]?[0-9A-Z][0-9A-Za-z\-_:/.]*$")
_NUM_WITH_SIGN = re.compile(r"[£$€¥￥]|\b(GBP|EUR|USD|CNY|RMB|HKD)\b|元", re.IGNORECASE)
_SIGNS = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "CNY", "￥": "CNY", "元": "CNY", "gbp": "GBP", "eur": "EUR",
          "usd": "USD", "cny": "CNY", "rmb": "CNY", "hkd": "HKD"}


def _looks_id_like(vals: list[str]) -> bool:
    vals = [v for v in vals if v]
    if not vals:
        return False
    idish = sum(1 for v in vals if " " not in v and any(ch.isdigit() for ch in v) and _ID_LIKE.match(v))
    return idish >= 0.8 * len(vals)


def _toml_key(s: str) -> str:
    return s if re.fullmatch(r"[A-Za-z0-9_-]+", s) else _toml_str(s)


def _toml_str(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _find_header_row(path: Path, look: int = 30) -> int | None:
    """The first of the file's first lines that is as wide as the table below it (titles sit above)."""
    fmt = readers.SUFFIXES.get(path.suffix.lower())
    try:
        if fmt == "csv":
            import csv
            import io

            text, _ = readers.decode(path, path.read_bytes()[:200_000])
            rows = [r for _, r in zip(range(look), csv.reader(io.StringIO(text.lstrip("\ufeff"))))]
        elif fmt == "xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            rows = [[readers._cell(v) for v in r] for _, r in zip(range(look), wb.worksheets[0].iter_rows(values_only=True))]
            wb.close()
        else:
            return None
    except Exception:  # the normal reader reports an unreadable file
        return None
    widths = [sum(1 for c in r if str(c).strip()) for r in rows]
    if not widths:
        return None
    full = max(widths)
    for i, w in enumerate(widths):
        if w >= max(2, 0.8 * full):
            return i + 1
    return None


def mojibake_sign(currency: str | None) -> str:
    return {"GBP": "£", "EUR": "€", "USD": "$", "CNY": "¥"}.get(currency or "", "")


def draft(path: str | Path, kind: str | None = None, sample_rows: int = 2000) -> str:
    """A commented profile for ``path``, made by reading its headers and values.

    Headers are matched to canonical columns by name and built-in synonyms;
    a reference column whose values read as names becomes ``*_name``; date
    columns get day-first when a value's first part is above 12 (month-first
    when the second is) and their formats; currency signs in the amounts
    give the currency; frequent non-numeric amounts get a value map to
    unknown; a value that fills most of a row (``Nil Return``) becomes a skip
    rule. Everything found is said in a comment so the user can check it.
    """
    path = Path(path)
    header_row = _find_header_row(path)
    src = read_source(path, kind or next(iter(schema.KINDS)), header_row)
    frame = src.frame.head(sample_rows)
    as_written = {_norm_header(c): str(c).strip() for c in frame.columns}  # the draft names columns as the file does
    frame.columns = [_norm_header(c) for c in frame.columns]
    headers = list(frame.columns)
    kind = kind or guess_kind(headers)
    if kind is None:
        raise InputError(t("profiles.draft.no_kind", path=str(path)))
    k = schema.KINDS[kind]
    m = synonym_mapping(kind, headers)
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    lines = [t("profiles.draft.header", path=path.name, rows=len(src.frame)), f"kind = {_toml_str(kind)}", ""]
    if header_row and header_row > 1:
        lines[-1:-1] = [t("profiles.draft.header_row", row=header_row), f"header_row = {header_row}"]

    # skip: a value that fills several cells of a row (nil returns)
    skip_vals: Counter = Counter()
    for row in text.itertuples(index=False, name=None):
        c = Counter(_key(v) for v in row if v.strip())
        for v, cnt in c.items():
            if cnt >= 3 and not re.fullmatch(r"[\d\W]*", v):
                skip_vals[v] += 1
    skip_col = None
    if skip_vals:
        v0 = skip_vals.most_common(1)[0][0]
        for h in headers:
            if (text[h].map(_key) == v0).any():
                skip_col = h
                break
        variants = sorted({x for h in [skip_col] for x in text[h] if _key(x) == v0})
    # columns: id-like vs name-like references
    lines.append("[columns]")
    lines.append(t("profiles.draft.columns_note"))
    columns: dict[str, str] = {}
    for c, h in m.items():
        target = c
        vals = [v for v in text[h].head(500) if v.strip()]
        if c.endswith("_id") and c != k.id_column and not _looks_id_like(vals):
            target = c[:-3] + "_name"
        elif c.endswith("_name") and _looks_id_like(vals):
            target = c[:-5] + "_id"
        if target in columns:
            continue
        columns[target] = h
    for c, h in columns.items():
        lines.append(f"{c} = {_toml_str(as_written.get(h, h))}")
    required = [c for c in k.required if c != k.id_column or True]
    for c in required:
        if c in columns or (c.endswith("_id") and c[:-3] + "_name" in columns):
            continue
        if c == k.id_column:
            lines.append(t("profiles.draft.auto_id", col=c))
        else:
            lines.append(t("profiles.draft.required_missing", col=c))
    unmapped = [h for h in headers if h not in columns.values()]
    if unmapped:
        lines.append(t("profiles.draft.unmapped", columns=", ".join(as_written.get(h, h) for h in unmapped)))
    lines.append("")

    # dates
    fmt_lines = []
    dayfirst_seen = False
    for c in k.columns:
        if c.type != schema.DATE or c.name not in columns:
            continue
        vals = [values.nfkc(v).strip() for v in text[columns[c.name]] if v.strip()]
        dmy = [re.match(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})", v) for v in vals]
        first_big = sum(1 for x in dmy if x and int(x.group(1)) > 12)
        second_big = sum(1 for x in dmy if x and int(x.group(3)) > 12)
        iso = sum(1 for v in vals if re.match(r"^\d{4}-\d{2}-\d{2}$", v))
        serial = sum(1 for v in vals if re.fullmatch(r"[2-6]\d{4}(?:\.\d+)?", v))
        if vals and serial >= 0.5 * len(vals):
            fmt_lines += [t("profiles.draft.excel", col=c.name, n=serial), f'{c.name} = ["excel", "%Y-%m-%d"]']
            continue
        ts = sum(1 for v in vals if _TIMESTAMP_ONLY.match(v))
        fmts = []
        if iso:
            fmts.append("%Y-%m-%d")
        if ts:
            fmts.append("%Y-%m-%dT%H:%M:%S%z")
        seps = {x.group(2) for x in dmy if x}
        if any(dmy):
            if first_big and not second_big:
                fmts += [f"%d{s}%m{s}%Y" for s in sorted(seps)]
                fmt_lines.append(t("profiles.draft.dayfirst", col=c.name, n=first_big))
                dayfirst_seen = True
            elif second_big and not first_big:
                fmts += [f"%m{s}%d{s}%Y" for s in sorted(seps)]
                fmt_lines.append(t("profiles.draft.monthfirst", col=c.name, n=second_big))
            else:
                fmt_lines.append(t("profiles.draft.ambiguous", col=c.name))
        if fmts and (any(dmy) or ts):
            fmt_lines.append(f"{c.name} = [{', '.join(_toml_str(f) for f in fmts)}]")
    if fmt_lines:
        lines += ["[formats]"] + fmt_lines + [""]

    # amounts: signs, unreadable values
    value_lines, currency, mojibake, decimal_comma = [], None, [], False
    for c in k.columns:
        if c.type != schema.AMOUNT or c.name not in columns:
            continue
        vals = [v for v in text[columns[c.name]] if v.strip()]
        signs = Counter()
        bad = Counter()
        if any("\ufffd" in v for v in vals):  # a currency sign lost to a wrong encoding upstream
            mojibake.append(columns[c.name])
            vals = [v.replace("\ufffd", "") for v in vals]
        euro_style = sum(1 for v in vals if _EURO_NUMBER.search(v))
        comma = euro_style and euro_style >= 0.5 * sum(1 for v in vals if re.search(r"\d[.,]\d", v))
        decimal_comma = decimal_comma or bool(comma)
        for v in vals:
            sm = _NUM_WITH_SIGN.search(v)
            if sm:
                signs[_SIGNS.get(sm.group(0).lower(), _SIGNS.get(sm.group(0)))] += 1
            try:
                values.parse_amount(_decimal_comma(v) if comma else v)
            except ValueError:
                if skip_vals and _key(v) in skip_vals:
                    continue
                bad[v.strip()] += 1
        if signs:
            currency = signs.most_common(1)[0][0]
        if bad:
            value_lines.append(t("profiles.draft.unknown_values", col=c.name))
            entries = ", ".join(f"{_toml_str(v)} = \"\"" for v, _ in bad.most_common(12))
            value_lines.append(f"{_toml_key(as_written.get(columns[c.name], c.name))} = {{ {entries} }}")
    if value_lines:
        lines += ["[values]"] + value_lines + [""]
    has_amount = any(c.type == schema.AMOUNT and c.name in columns for c in k.columns)
    top = []  # keys of the top level go before the first table
    if decimal_comma:
        top += [t("profiles.draft.decimal"), 'decimal = ","']
    if has_amount and "currency" not in columns:
        if currency:
            top += [t("profiles.draft.currency_found", currency=currency), f"currency = {_toml_str(currency)}"]
        else:
            top += [t("profiles.draft.currency_missing"), '# currency = "GBP"']
    if mojibake:
        lines += ["[replace]", t("profiles.draft.mojibake", sign=mojibake_sign(currency))]
        lines += [f'{_toml_key(as_written.get(c, c))} = {{ "\\ufffd" = {_toml_str(mojibake_sign(currency))} }}'
                  for c in mojibake] + [""]
    if top:
        at = lines.index(f"kind = {_toml_str(kind)}") + 1
        lines[at:at] = top
    if skip_vals and skip_col:
        lines += ["[skip]", t("profiles.draft.skip", n=skip_vals.most_common(1)[0][1]),
                  f"{_toml_key(as_written.get(skip_col, skip_col))} = [{', '.join(_toml_str(v) for v in variants)}]", ""]
    ek = [c for c in columns if c.endswith("_name")]
    split_lines = []
    for c in ek:
        vals = [v for v in text[columns[c]] if v.strip()]
        for sep in (";", "|", "/"):
            n = sum(1 for v in vals if sep in v)
            if vals and n >= max(1, 0.02 * len(vals)):
                split_lines += [t("profiles.draft.split", col=c, n=n, sep=sep), f"# {c} = {_toml_str(sep)}"]
                break
    if split_lines:
        lines += ["[split]"] + split_lines + [""]
    # the kind matters only where a name may be of several kinds (a giver: person, company, ...)
    ek = [c for c in ek if c[:-5] + "_id" in k.column_names
          and len([r for r in k.column(c[:-5] + "_id").refs if r != "units"]) > 1]
    if ek:
        lines += ["[entity_kinds]", t("profiles.draft.entity_kinds")]
        lines += [f"{c} = \"unknown\"" for c in ek] + [""]
    if not dayfirst_seen:
        pass
    return "\n".join(lines).rstrip() + "\n"
