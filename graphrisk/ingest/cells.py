"""What every reader shares: the [limits] defaults, the encoding decision, quoting values in messages."""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from ..errors import InputError
from ..i18n import t

# Defaults of the [limits] settings the readers use (settings.load() supplies the user's).
LIMITS = {
    "max_cell_chars": 1_000_000,
    "max_columns": 1_000,
    "csv_multiline_cells": True,
    "xlsx_max_cells": 50_000_000,
    "xlsx_max_shared_strings": 10_000_000,
    "xlsx_max_member_bytes": 2_000_000_000,
    "xlsx_max_ratio": 200,
    "max_file_bytes": 4_000_000_000,
}

# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def limits_of(settings: dict | None) -> dict:
    out = dict(LIMITS)
    out.update({k: v for k, v in ((settings or {}).get("limits") or {}).items() if k in LIMITS})
    return out


def show(text: str, cap: int = 80) -> str:
    """A value quoted in a message: control, invisible and bidi characters shown as escapes, long text cut."""
    from ..safeio import escape_text

    s = escape_text(str(text))
    return s if len(s) <= cap else s[:cap] + "…"


# ------------------------------------------------------------------ encodings

_UTF8_MULTI = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode text bytes with one encoding for the whole file: UTF-8 (BOM or not), UTF-16 with BOM, or GB18030.

    A file that is UTF-8 but for some lines is an error naming the first bad
    line (decoding it all as GB18030 would turn every name into mojibake); so
    is a GB18030 file with lines in UTF-8.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = data[:exc.start + 3].count(b"\n") + 1
            raise InputError(t("errors.read.bom_not_utf8", path=path, line=line,
                               byte=f"{data[exc.start + 3]:02x}")) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(t("errors.read.utf16_bad", path=path, reason=exc.reason, at=exc.start)) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_err:
        first_bad_err = utf8_err
    good, bad, first_bad, utf8_lines = 0, 0, None, []
    for i, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
            if len(_UTF8_MULTI.findall(line)) >= 2:
                utf8_lines.append(i)
        except UnicodeDecodeError:
            bad += 1
            first_bad = first_bad or i
    if good and good >= bad:
        pos = first_bad_err.start
        raise InputError(t("errors.read.mixed_utf8", path=path, line=first_bad, byte=f"{data[pos]:02x}")) from None
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(t("errors.read.unreadable_encoding", path=path, line=line, byte=f"{data[exc.start]:02x}",
                           at=exc.start)) from None
    if utf8_lines:
        raise InputError(t("errors.read.mixed_gb", path=path, line=utf8_lines[0]))
    return text, "gb18030"


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return str(v)
