"""Read an input file (CSV in UTF-8 / UTF-8 with BOM / GB18030, XLSX, JSON Lines) into text columns.

Every value comes back as a string (empty string for missing), with the
row number a person would see in the file: for CSV and XLSX the header is
row 1 and the first record row 2; for JSON Lines the line number.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from .. import schema
from ..errors import InputError

SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass
class Table:
    path: Path
    kind: str
    frame: pd.DataFrame  # text columns, named as in the file after trimming
    rows: pd.Series  # file row number of each record
    encoding: str = ""
    notes: list[str] = field(default_factory=list)


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


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: starts with a UTF-8 mark but is not UTF-8 ({exc.reason} at byte {exc.start})")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_err:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = data[:utf8_err.start].count(b"\n") + 1
            raise InputError(
                f"{path}:{line}: unreadable text encoding: neither UTF-8 nor GB18030/GBK "
                f"(bad byte 0x{data[utf8_err.start]:02x} at offset {utf8_err.start}); "
                f"save the file as UTF-8 and try again") from None


def _read_csv(path: Path) -> tuple[pd.DataFrame, pd.Series, str]:
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(f"{path}:1: file is empty (no header row)")
    text, encoding = decode(path, data)
    sample = text[:4096]
    delimiter = "\t" if path.suffix.lower() == ".tsv" or (
        sample.count("\t") > sample.count(",") and sample.count("\t") > 0) else ","
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                            sep=delimiter, skip_blank_lines=True, engine="c")
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: not readable as CSV: {exc}") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}:1: file is empty (no header row)") from None
    lines = text.splitlines()
    nonblank = sum(1 for line in lines if line.strip())
    if nonblank == len(frame) + 1 and len(lines) == nonblank:
        rows = pd.Series(range(2, len(frame) + 2), dtype="int64")
    else:
        rows = _csv_row_numbers(text, delimiter, len(frame))
    return frame, rows, encoding


def _csv_row_numbers(text: str, delimiter: str, n: int) -> pd.Series:
    """Line on which each record starts, when blank lines or quoted line breaks shift the count."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader, None)
    prev_end = reader.line_num
    starts = []
    for rec in reader:
        if rec and any(v != "" for v in rec):
            starts.append(prev_end + 1)
        prev_end = reader.line_num
    if len(starts) != n:  # the two parsers disagree: fall back to record order
        return pd.Series(range(2, n + 2), dtype="int64")
    return pd.Series(starts, dtype="int64")


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _read_xlsx(path: Path) -> tuple[pd.DataFrame, pd.Series, str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(f"{path}: not readable as XLSX: {exc}") from None
    ws = wb.worksheets[0]
    header = None
    records, numbers = [], []
    for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [_cell(v) for v in row]
        if header is None:
            if any(c.strip() for c in cells):
                header = cells
            continue
        if not any(c.strip() for c in cells):
            continue
        records.append(cells[:len(header)] + [""] * (len(header) - len(cells)))
        numbers.append(i)
    wb.close()
    if header is None:
        raise InputError(f"{path}:1: file is empty (no header row)")
    frame = pd.DataFrame(records, columns=header, dtype=object) if records else pd.DataFrame(columns=header)
    return frame.astype(object), pd.Series(numbers, dtype="int64"), "xlsx"


def _read_jsonl(path: Path) -> tuple[pd.DataFrame, pd.Series, str]:
    data = path.read_bytes()
    text, encoding = decode(path, data)
    records, numbers = [], []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{i}: not valid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise InputError(f"{path}:{i}: each line must be a JSON object")
        records.append({str(k): _json_cell(v) for k, v in obj.items()})
        numbers.append(i)
    if not records:
        raise InputError(f"{path}:1: file is empty (no records)")
    frame = pd.DataFrame.from_records(records).fillna("").astype(object)
    return frame, pd.Series(numbers, dtype="int64"), encoding


def _json_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ";".join(_json_cell(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_table(path: Path, kind: str | None = None, rename: dict[str, str] | None = None) -> Table:
    """Read ``path`` as ``kind`` (default: from the file name), columns trimmed and lower-cased, renamed."""
    path = Path(path)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unsupported file type '{path.suffix}' (use .csv, .xlsx or .jsonl)")
    kind = kind or kind_from_name(path)
    if kind is None:
        raise InputError(f"{path}: cannot tell the kind from the file name; name it after a kind "
                         f"({', '.join(schema.KINDS)}) or pass --kind")
    if kind not in schema.KINDS:
        raise InputError(f"{path}: unknown kind '{kind}' (one of {', '.join(schema.KINDS)})")
    if not path.exists():
        raise InputError(f"{path}: no such file")
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "jsonl": _read_jsonl}[fmt]
    frame, rows, encoding = reader(path)
    rename = {k.strip().lower(): v.strip().lower() for k, v in (rename or {}).items()}
    columns = []
    for c in frame.columns:
        name = str(c).strip().lstrip("\ufeff").strip().lower()
        columns.append(rename.get(name, name))
    seen = set()
    for c in columns:
        if c in seen and c:
            raise InputError(f"{path}:1:{c}: column appears twice in the header")
        seen.add(c)
    frame.columns = columns
    frame = frame.reset_index(drop=True)
    rows = rows.reset_index(drop=True)
    return Table(path=path, kind=kind, frame=frame, rows=rows, encoding=encoding)
