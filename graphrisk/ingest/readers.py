"""Read an input file (CSV in UTF-8 / UTF-8 with BOM / GB18030, XLSX, JSON Lines) into text columns.

Every value comes back as a string (empty string for missing), with the
row number a person would see in the file: for CSV and XLSX the header is
row 1 and the first record row 2; for JSON Lines the line number.

The readers never guess silently (issue 14):

- CSV: one encoding per file (UTF-8, UTF-8 with BOM or GB18030, decided for
  the whole file; a line in another encoding is an error naming it); quoting
  parsed strictly; every row's field count checked against the header; a
  quoted cell that runs over lines which look like records (an unbalanced
  quote) is an error naming the row where it starts; cells over
  ``[limits] max_cell_chars`` are an error, not a traceback.
- XLSX: parsed from the zip with defusedxml (no DTDs, no entity expansion),
  ignoring the stale ``<dimension>`` openpyxl trusts; caps on the size of
  every member, columns, cells and shared strings (zip-bomb safe); a formula
  without a saved value, or an error value (``#N/A``), is an error naming the
  cell; other sheets than the first are named in a note.
- JSON Lines: duplicate keys are an error; nested objects are an error unless
  the caller allows them (a profile that declares them).
- Every format: NUL and other control characters are row problems naming the
  cell; ids are NFKC-normalised and an invisible character in an id is a row
  problem.

Row-level problems come back in ``Table.problems`` as ``(position, column,
message)`` so ``--skip-bad-rows`` can set those rows aside; problems that make
the whole file unreadable raise :class:`~graphrisk.errors.InputError`.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from .. import schema
from ..errors import InputError
from ..i18n import t
from .values import id_problem, nfkc

SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".jsonl": "jsonl", ".ndjson": "jsonl"}

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


@dataclass
class Table:
    path: Path
    kind: str
    frame: pd.DataFrame  # text columns, named as in the file after trimming
    rows: pd.Series  # file row number of each record
    encoding: str = ""
    notes: list[str] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (position, column, message)
    checked: bool = False  # cells checked and ids normalised (cell_problems); a table built elsewhere is not


def kind_from_name(path: Path) -> str | None:
    """``gifts.csv`` / ``gifts_2026w47.xlsx`` / ``Contracts-Q3.jsonl`` → the kind, else None."""
    stem = path.stem.lower()
    for kind in sorted(schema.KINDS, key=len, reverse=True):
        if stem == kind or stem.startswith(kind + "_") or stem.startswith(kind + "-") \
                or stem.startswith(kind + "."):
            return kind
    return None


def is_input_file(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and not path.name.startswith((".", "~$"))


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


# ------------------------------------------------------------------ CSV

def _read_csv(path: Path, limits: dict) -> tuple[pd.DataFrame, pd.Series, str, list, list]:
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(t("errors.read.empty", path=path))
    text, encoding = decode(path, data)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = "\t" if path.suffix.lower() == ".tsv" or (
        first_line.count("\t") > first_line.count(",") and first_line.count("\t") > 0) else ","
    cap = int(limits["max_cell_chars"])
    if '"' not in text and "\r" not in text:  # no quoting: every line is a record, split in C
        frame, rows, problems = _read_plain_csv(path, text, delimiter, cap, limits)
        return frame, rows, encoding, [], problems
    csv.field_size_limit(max(cap, 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    records: list[list[str]] = []
    numbers: list[int] = []
    problems: list[tuple[int, str, str]] = []
    multiline: list[int] = []  # rows whose quoted cells hold line breaks: read, and said so
    prev_end = 0
    while True:
        start = prev_end + 1
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            msg = str(exc)
            if "field larger" in msg:
                raise InputError(t("errors.read.cell_too_long", path=path, row=start, cap=f"{cap:,}")) from None
            if "unexpected end of data" in msg:
                raise InputError(t("errors.read.unclosed_quote", path=path, row=start)) from None
            raise InputError(t("errors.read.bad_quoting", path=path, row=start, reason=msg)) from None
        end = reader.line_num
        prev_end = end
        if not rec or not "".join(rec).strip():
            continue
        if header is None:
            header = rec
            if end > start:
                raise InputError(t("errors.read.header_multiline", path=path, row=start))
            if len(header) > int(limits["max_columns"]):
                raise InputError(t("errors.read.too_many_columns", path=path, n=f"{len(header):,}",
                                   cap=f"{limits['max_columns']:,}"))
            continue
        if end > start:
            _check_multiline(path, rec, header, start, end, delimiter, limits)
            multiline.append(start)
        pos = len(records)
        if len(rec) != len(header):
            extra = rec[len(header):]
            hint = ""
            if len(rec) > len(header) and all(not v.strip() for v in extra):
                hint = t("errors.read.trailing_hint")
            problems.append((pos, "", t("errors.read.field_count", n=len(rec), width=len(header), hint=hint)))
            rec = (rec + [""] * len(header))[:len(header)]
        records.append(rec)
        numbers.append(start)
    if header is None:
        raise InputError(t("errors.read.empty", path=path))
    frame = pd.DataFrame(records, columns=range(len(header)), dtype=object) if records \
        else pd.DataFrame(columns=range(len(header)), dtype=object)
    frame.columns = header
    notes = []
    if multiline:
        notes.append(t("errors.read.multiline_note", n=len(multiline),
                       rows=", ".join(map(str, multiline[:10])) + (" …" if len(multiline) > 10 else "")))
    return frame, pd.Series(numbers, dtype="int64"), encoding, notes, problems


def _read_plain_csv(path: Path, text: str, delimiter: str, cap: int, limits: dict):
    """The fast path of :func:`_read_csv` for text without quotes or carriage returns (same results)."""
    lines = text.split("\n")
    header, records, numbers, problems = None, [], [], []
    blank = " \t\ufeff" + delimiter
    for i, line in enumerate(lines, start=1):
        if not line.strip(blank):  # empty, or nothing but delimiters and spaces
            continue
        rec = line.split(delimiter)
        if header is None:
            header = rec
            if len(header) > int(limits["max_columns"]):
                raise InputError(t("errors.read.too_many_columns", path=path, n=f"{len(header):,}",
                                   cap=f"{limits['max_columns']:,}"))
            width = len(header)
            continue
        if len(line) > cap and any(len(v) > cap for v in rec):
            raise InputError(t("errors.read.cell_too_long", path=path, row=i, cap=f"{cap:,}"))
        if len(rec) != width:
            extra = rec[width:]
            hint = t("errors.read.trailing_hint") if len(rec) > width and not "".join(extra).strip() else ""
            problems.append((len(records), "", t("errors.read.field_count", n=len(rec), width=width, hint=hint)))
            rec = (rec + [""] * width)[:width]
        records.append(rec)
        numbers.append(i)
    if header is None:
        raise InputError(t("errors.read.empty", path=path))
    frame = pd.DataFrame(records, columns=range(len(header)), dtype=object) if records \
        else pd.DataFrame(columns=range(len(header)), dtype=object)
    frame.columns = header
    return frame, pd.Series(numbers, dtype="int64"), problems


def _check_multiline(path: Path, rec: list[str], header: list[str], start: int, end: int, delimiter: str,
                     limits: dict) -> None:
    """A quoted cell with line breaks: refused when it swallows lines that look like records."""
    for i, v in enumerate(rec):
        if "\n" not in v and "\r" not in v:
            continue
        col = header[i] if i < len(header) else f"#{i + 1}"
        if not limits["csv_multiline_cells"]:
            raise InputError(t("errors.read.multiline_off", path=path, row=start, column=col, end=end))
        need = max(len(header) - 1, 2)
        for line in v.splitlines()[1:]:
            if line.count(delimiter) >= need:
                raise InputError(t("errors.read.swallowed", path=path, row=start, column=col, end=end,
                                   sample=show(line, 60)))


# ------------------------------------------------------------------ XLSX

_NS_STRIP = re.compile(r"^\{[^}]*\}")
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def _col_letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


class _Limited(io.RawIOBase):
    """A zip member stream that refuses to expand past ``cap`` bytes (the size in the header can lie)."""

    def __init__(self, raw, cap: int, what: str):
        self.raw, self.cap, self.what, self.n = raw, cap, what, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.raw.read(len(b))
        self.n += len(data)
        if self.n > self.cap:
            raise InputError(t("errors.xlsx.expands_past", what=self.what, cap=f"{self.cap:,}"))
        b[:len(data)] = data
        return len(data)


def _xml_events(zf: zipfile.ZipFile, name: str, path: Path, limits: dict, events=("end",)):
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    stream = io.BufferedReader(_Limited(zf.open(name), int(limits["xlsx_max_member_bytes"]), f"{path}: {name}"),
                               1 << 16)
    try:
        yield from iterparse(stream, events=events, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputError(t("errors.xlsx.dtd", path=path, member=name, reason=type(exc).__name__)) from None
    except Exception as exc:  # ElementTree.ParseError and zlib / zip errors of a damaged file
        if isinstance(exc, InputError):
            raise
        raise InputError(t("errors.xlsx.damaged", path=path, member=name, reason=show(str(exc)))) from None


def _xml_root(zf: zipfile.ZipFile, name: str, path: Path, limits: dict):
    root = None
    for _, el in _xml_events(zf, name, path, limits):
        root = el
    return root


def _read_xlsx(path: Path, limits: dict) -> tuple[pd.DataFrame, pd.Series, str, list, list]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(t("errors.xlsx.not_zip", path=path, reason=show(str(exc)))) from None
    with zf:
        names = set(zf.namelist())
        for info in zf.infolist():
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > int(limits["xlsx_max_member_bytes"]) or (
                    info.file_size > 10_000_000 and ratio > float(limits["xlsx_max_ratio"])):
                raise InputError(t("errors.xlsx.member_too_big", path=path, member=show(info.filename),
                                   size=f"{info.file_size:,}", ratio=f"{ratio:,.0f}"))
        if "xl/workbook.xml" not in names:
            raise InputError(t("errors.xlsx.no_workbook", path=path))
        wb = _xml_root(zf, "xl/workbook.xml", path, limits)
        sheets, date1904 = [], False
        for el in wb.iter():
            tag = _local(el.tag)
            if tag == "sheet":
                rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
                sheets.append((el.get("name") or "", rid))
            elif tag == "workbookPr":
                date1904 = (el.get("date1904") or "").lower() in ("1", "true")
        if not sheets:
            raise InputError(t("errors.xlsx.no_sheet", path=path))
        rels = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for el in _xml_root(zf, "xl/_rels/workbook.xml.rels", path, limits).iter():
                if _local(el.tag) == "Relationship":
                    rels[el.get("Id")] = (el.get("Target") or "", el.get("Type") or "")

        def member(target: str) -> str:
            target = target.replace("\\", "/")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target.removeprefix("./")

        sheet_name, rid = sheets[0]
        sheet_path = member(rels[rid][0]) if rid in rels else "xl/worksheets/sheet1.xml"
        if sheet_path not in names:
            raise InputError(t("errors.xlsx.sheet_missing", path=path, sheet=show(sheet_name), member=sheet_path))
        notes = []
        if len(sheets) > 1:
            notes.append(t("errors.xlsx.other_sheets", sheet=show(sheet_name),
                           others=", ".join(f"'{show(n)}'" for n, _ in sheets[1:])))
        sst_path = next((member(t) for t, ty in rels.values() if ty.endswith("/sharedStrings")),
                        "xl/sharedStrings.xml")
        shared = _SharedStrings(zf, sst_path if sst_path in names else None, path, limits)
        styles_path = next((member(t) for t, ty in rels.values() if ty.endswith("/styles")), "xl/styles.xml")
        date_styles = _date_styles(zf, styles_path, path, limits) if styles_path in names else set()
        return _sheet(zf, sheet_path, sheet_name, shared, date_styles, date1904, path, limits, notes)


class _SharedStrings:
    """The shared-strings table, parsed only as far as the sheet's cells point into it.

    A workbook whose table is huge but whose sheet uses its first entries costs only those
    entries (a 90 KB file with two million shared strings took 14 s to parse whole); the cap
    ``[limits] xlsx_max_shared_strings`` bounds what a cell pointing far into it can cost.
    """

    def __init__(self, zf, name: str | None, path: Path, limits: dict):
        self.items: list[str] = []
        self.path = path
        self.cap = int(limits["xlsx_max_shared_strings"])
        self._events = _xml_events(zf, name, path, limits, events=("start", "end")) if name else iter(())
        self._root = None

    def __getitem__(self, idx: int) -> str:
        if idx < 0:
            raise IndexError(idx)
        while len(self.items) <= idx:
            if len(self.items) >= self.cap:
                raise InputError(t("errors.xlsx.too_many_shared", path=self.path, cap=f"{self.cap:,}"))
            if not self._next():
                raise IndexError(idx)
        return self.items[idx]

    def _next(self) -> bool:
        for ev, el in self._events:
            if ev == "start":
                if self._root is None:
                    self._root = el
                continue
            if _local(el.tag) != "si":
                continue
            parts = []
            for child in el:
                tag = _local(child.tag)
                if tag == "t":
                    parts.append(child.text or "")
                elif tag == "r":
                    parts.extend(x.text or "" for x in child if _local(x.tag) == "t")
            self.items.append("".join(parts))
            self._root.clear()  # the entries read so far: keep only their text
            return True
        return False


def _date_styles(zf, name: str, path: Path, limits: dict) -> set[int]:
    """Indexes of the cell styles whose number format shows a date."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    root = _xml_root(zf, name, path, limits)
    custom = {}
    xfs: list[int] = []
    for el in root:
        tag = _local(el.tag)
        if tag == "numFmts":
            for f in el:
                try:
                    custom[int(f.get("numFmtId", "-1"))] = f.get("formatCode") or ""
                except ValueError:
                    pass
        elif tag == "cellXfs":
            for xf in el:
                try:
                    xfs.append(int(xf.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)
    out = set()
    for i, fid in enumerate(xfs):
        code = custom.get(fid, BUILTIN_FORMATS.get(fid, ""))
        if code and is_date_format(code):
            out.add(i)
    return out


def _number(text: str):
    t = text.strip()
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", t):
        return t
    if "." in t or "e" in t.lower():
        return float(t)
    return int(t)


def _sheet(zf, name, sheet_name, shared, date_styles, date1904, path, limits, notes):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    max_cols, max_cells = int(limits["max_columns"]), int(limits["xlsx_max_cells"])
    cell_cap = int(limits["max_cell_chars"])
    rows: dict[int, dict[int, str]] = {}
    bad: list[tuple[int, int, str]] = []  # (sheet row, column, message)
    row_no, col_no, n_cells = 0, 0, 0
    parent = None
    for ev, el in _xml_events(zf, name, path, limits, events=("start", "end")):
        tag = _local(el.tag)
        if ev == "start":
            if tag == "row":
                r = el.get("r")
                row_no = int(r) if r and r.isdigit() else row_no + 1
                col_no = 0
            elif tag == "sheetData":
                parent = el
            continue
        if tag == "row":
            if parent is not None:
                parent.clear()  # rows already read: drop them, so memory stays flat on long sheets
            continue
        if tag != "c":
            continue
        ref = el.get("r")
        m = _REF.match(ref or "")
        if m:
            col_no = _col_index(m.group(1))
            row_no = int(m.group(2))
        else:
            col_no += 1
        cell = f"{_col_letters(col_no)}{row_no}"
        n_cells += 1
        if n_cells > max_cells:
            raise InputError(t("errors.xlsx.too_many_cells", path=path, cap=f"{max_cells:,}", sheet=show(sheet_name)))
        ctype = el.get("t", "n")
        f_el = v_el = is_el = None
        for child in el:
            ct = _local(child.tag)
            if ct == "f":
                f_el = child
            elif ct == "v":
                v_el = child
            elif ct == "is":
                is_el = child
        v = v_el.text if v_el is not None else None
        value = ""
        if f_el is not None and v is None and ctype != "inlineStr":
            formula = (f_el.text or "").strip()
            bad.append((row_no, col_no, t("errors.xlsx.formula_no_value", cell=cell,
                                          formula=" =" + show(formula, 40) if formula else "")))
        elif ctype == "s":
            try:
                idx = int(v)
                if idx < 0:
                    raise IndexError(idx)
                value = shared[idx]
            except (ValueError, IndexError, TypeError):
                raise InputError(t("errors.xlsx.bad_shared_ref", path=path, cell=cell, sheet=show(sheet_name),
                                   ref=show(v or ""))) from None
        elif ctype == "inlineStr":
            value = "".join(x.text or "" for x in (is_el.iter() if is_el is not None else ()) if _local(x.tag) == "t")
        elif ctype == "str":
            value = v or ""
        elif ctype == "b":
            value = "true" if (v or "").strip() in ("1", "true") else "false"
        elif ctype == "e":
            bad.append((row_no, col_no, t("errors.xlsx.error_value", cell=cell, value=show(v or ""))))
        elif ctype == "d":
            value = (v or "").strip()
            if value.endswith("T00:00:00") or value.endswith("T00:00:00Z"):
                value = value[:10]
        elif v is not None:
            num = _number(v)
            if isinstance(num, str):
                bad.append((row_no, col_no, t("errors.xlsx.not_number", cell=cell, value=show(v))))
            elif int(el.get("s", "0") or 0) in date_styles:
                try:
                    value = _cell(from_excel(num, epoch))
                except (ValueError, OverflowError, TypeError):
                    bad.append((row_no, col_no, t("errors.xlsx.not_date", cell=cell, value=show(v))))
            else:
                value = _cell(num)
        el.clear()
        if value == "" and not any(r == row_no and c == col_no for r, c, _ in bad[-1:]):
            continue
        if col_no > max_cols:
            raise InputError(t("errors.xlsx.column_too_far", path=path, cell=cell, sheet=show(sheet_name),
                               col=f"{col_no:,}", cap=f"{max_cols:,}"))
        if len(value) > cell_cap:
            raise InputError(t("errors.xlsx.cell_too_long", path=path, row=row_no, cell=cell, cap=f"{cell_cap:,}"))
        rows.setdefault(row_no, {})[col_no] = value
    ordered = sorted(r for r, cells in rows.items() if any(str(x).strip() for x in cells.values())
                     or any(b[0] == r for b in bad))
    if not ordered:
        raise InputError(t("errors.read.empty", path=path))
    head_row = ordered[0]
    hcells = rows[head_row]
    width = max(c for c, v in hcells.items() if str(v).strip())
    header = [hcells.get(c, "") for c in range(1, width + 1)]
    if any(b[0] == head_row for b in bad):
        raise InputError(f"{path}:{head_row}: " + next(m for r, _, m in bad if r == head_row))
    records, numbers, problems = [], [], []
    bad_by_row: dict[int, list[tuple[int, str]]] = {}
    for r, c, m in bad:
        bad_by_row.setdefault(r, []).append((c, m))
    for r in ordered[1:]:
        cells = rows.get(r, {})
        pos = len(records)
        rec = [cells.get(c, "") for c in range(1, width + 1)]
        outside = sorted(c for c, v in cells.items() if c > width and str(v).strip())
        if outside:
            problems.append((pos, "", t("errors.xlsx.beyond_header", col=_col_letters(outside[0]), width=width)))
        for c, m in bad_by_row.get(r, []):
            problems.append((pos, header[c - 1] if c <= width else "", m))
        records.append(rec)
        numbers.append(r)
    frame = pd.DataFrame(records, columns=range(width), dtype=object) if records \
        else pd.DataFrame(columns=range(width), dtype=object)
    frame.columns = header
    return frame, pd.Series(numbers, dtype="int64"), "xlsx", notes, problems


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


# ------------------------------------------------------------------ JSON Lines

class _DuplicateKey(ValueError):
    pass


def _pairs(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def _read_jsonl(path: Path, limits: dict, nested: bool = False) -> tuple[pd.DataFrame, pd.Series, str, list, list]:
    data = path.read_bytes()
    text, encoding = decode(path, data)
    records, numbers = [], []
    cap = int(limits["max_cell_chars"])
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, object_pairs_hook=_pairs)
        except _DuplicateKey as exc:
            raise InputError(t("errors.jsonl.duplicate_key", path=path, line=i, field=show(exc.args[0]))) from None
        except json.JSONDecodeError as exc:
            raise InputError(t("errors.jsonl.not_json", path=path, line=i, reason=exc.msg, col=exc.colno)) from None
        except RecursionError:
            raise InputError(t("errors.jsonl.too_deep", path=path, line=i)) from None
        except ValueError as exc:  # an integer of more than 4,300 digits, among others
            raise InputError(t("errors.jsonl.not_json", path=path, line=i, reason=show(str(exc)), col="?")) from None
        if not isinstance(obj, dict):
            raise InputError(t("errors.jsonl.not_object", path=path, line=i))
        rec = {}
        for k, v in obj.items():
            rec[str(k)] = _json_cell(v, path, i, str(k), nested)
            if len(rec[str(k)]) > cap:
                raise InputError(t("errors.jsonl.too_long", path=path, line=i, field=show(k), cap=f"{cap:,}"))
        records.append(rec)
        numbers.append(i)
    if not records:
        raise InputError(t("errors.read.empty_records", path=path))
    cols = list(dict.fromkeys(k for r in records for k in r))  # keys in order of first appearance
    frame = pd.DataFrame({c: [r.get(c, "") for r in records] for c in cols}, index=range(len(records)),
                         dtype=object)
    if len(frame.columns) > int(limits["max_columns"]):
        raise InputError(t("errors.jsonl.too_many_keys", path=path, n=f"{len(frame.columns):,}",
                           cap=f"{limits['max_columns']:,}"))
    return frame, pd.Series(numbers, dtype="int64"), encoding, [], []


def _json_cell(v, path: Path, line: int, key: str, nested: bool) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        if nested:
            return json.dumps(v, ensure_ascii=False, sort_keys=True)
        raise InputError(t("errors.jsonl.nested", path=path, line=line, field=show(key)))
    if isinstance(v, list):
        if any(isinstance(x, (dict, list)) for x in v):
            if nested:
                return json.dumps(v, ensure_ascii=False, sort_keys=True)
            raise InputError(t("errors.jsonl.nested_list", path=path, line=line, field=show(key)))
        return ";".join(_json_cell(x, path, line, key, nested) for x in v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return str(v)


# ------------------------------------------------------------------ all formats

def cell_problems(frame: pd.DataFrame, kind: str) -> tuple[list[tuple[int, str, str]], int]:
    """Control characters in any cell; ids NFKC-normalised, invisible characters in ids. Returns problems, ids changed."""
    problems: list[tuple[int, str, str]] = []
    for col in frame.columns:
        values = frame[col].to_numpy(dtype=object)
        try:  # one scan of the whole column first: almost every file has no control character at all
            if not _CONTROL.search("\n".join(values)):
                continue
        except TypeError:  # a non-text cell (a table built elsewhere): check cell by cell
            pass
        for pos, v in enumerate(values):
            if isinstance(v, str) and _CONTROL.search(v):
                ch = _CONTROL.search(v).group()
                what = t("errors.read.nul") if ch == "\x00" else t("errors.read.control_char", code=f"{ord(ch):04X}")
                problems.append((pos, str(col), t("errors.read.control", what=what, value=show(v))))
    k = schema.KINDS[kind]
    id_cols = [c for c in frame.columns if c == k.id_column or (c in k.column_names and k.column(c).refs)]
    changed = 0
    for col in id_cols:
        values = frame[col].to_numpy(dtype=object)
        try:
            if "".join(values).isascii():  # the usual case, in one C-level pass
                continue
        except TypeError:
            pass
        new = []
        for pos, v in enumerate(values):
            s = v if isinstance(v, str) else ("" if v is None else str(v))
            if s.isascii():
                new.append(s)
                continue
            n = nfkc(s)
            if n != s:
                changed += 1
            msg = id_problem(n)
            if msg:
                problems.append((pos, col, msg))
            new.append(n)
        frame[col] = pd.Series(new, index=frame.index, dtype=object)
    return problems, changed


def read_table(path: Path, kind: str | None = None, rename: dict[str, str] | None = None,
               settings: dict | None = None, nested: bool = False) -> Table:
    """Read ``path`` as ``kind`` (default: from the file name), columns trimmed and lower-cased, renamed.

    ``settings`` supplies the ``[limits]``; ``nested`` lets JSON Lines carry
    nested objects (kept as JSON text) for a profile that declares them.
    """
    path = Path(path)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(t("errors.read.unsupported_type", path=path, suffix=show(path.suffix)))
    kind = kind or kind_from_name(path)
    if kind is None:
        raise InputError(t("errors.read.kind_from_name", path=path, kinds=", ".join(schema.KINDS)))
    if kind not in schema.KINDS:
        raise InputError(t("errors.read.unknown_kind", path=path, kind=show(kind), kinds=", ".join(schema.KINDS)))
    if not path.exists():
        raise InputError(t("errors.read.no_file", path=path))
    if path.is_dir():
        raise InputError(t("errors.read.is_folder", path=path))
    if not path.is_file():  # a device, a pipe: reading it would never end
        raise InputError(t("errors.read.not_regular", path=path))
    size, cap = path.stat().st_size, int(limits_of(settings)["max_file_bytes"])
    if size > cap:
        raise InputError(t("errors.read.too_big", path=path, size=f"{size:,}", cap=f"{cap:,}"))
    limits = limits_of(settings)
    try:
        if fmt == "csv":
            frame, rows, encoding, notes, problems = _read_csv(path, limits)
        elif fmt == "xlsx":
            frame, rows, encoding, notes, problems = _read_xlsx(path, limits)
        else:
            frame, rows, encoding, notes, problems = _read_jsonl(path, limits, nested)
    except PermissionError:
        raise InputError(t("errors.read.permission", path=path)) from None
    except MemoryError:
        raise InputError(t("errors.read.memory", path=path)) from None
    rename = {k.strip().lower(): v.strip().lower() for k, v in (rename or {}).items()}
    columns = []
    for c in frame.columns:
        name = str(c).strip().lstrip("\ufeff").strip().lower()
        if _CONTROL.search(name):
            raise InputError(t("errors.read.control_in_header", path=path, name=show(name)))
        columns.append(rename.get(name, name))
    seen = set()
    for c in columns:
        if c in seen and c:
            raise InputError(t("errors.read.duplicate_column", path=path, column=show(c)))
        seen.add(c)
    frame.columns = columns
    frame = frame.reset_index(drop=True)
    rows = rows.reset_index(drop=True)
    found, changed = cell_problems(frame, kind)
    if changed:
        notes.append(t("errors.read.ids_normalised", n=changed))
    return Table(path=path, kind=kind, frame=frame, rows=rows, encoding=encoding, notes=notes,
                 problems=problems + found, checked=True)
