"""XLSX read from its zip with defusedxml: no DTD or entities, no trust in <dimension>, capped (zip-bomb safe).

Formulas without a saved value and error values (#N/A) are row problems naming the cell; only the
first sheet is read and the others are named in a note; shared strings are parsed only as far as
the sheet's cells point into them.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..i18n import t
from .cells import _cell, show

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
            elif isinstance(num, float) and abs(num) >= 1e15:
                # past 15 significant digits a spreadsheet number has lost digits: an 18-digit id number
                # typed as a number reads 110101197001010000; refuse it rather than store wrong digits
                bad.append((row_no, col_no, t("errors.xlsx.digits_lost", cell=cell, value=show(v))))
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
    header_row = int(limits.get("header_row") or 1)
    ordered = sorted(r for r, cells in rows.items() if r >= header_row and (
        any(str(x).strip() for x in cells.values()) or any(b[0] == r for b in bad)))
    if header_row > 1 and (not ordered or ordered[0] != header_row):
        raise InputError(t("profiles.err.header_row_empty", path=str(path), row=header_row))
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
