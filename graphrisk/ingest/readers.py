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
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import schema
from ..errors import InputError
from ..i18n import t
from .cells import _CONTROL, LIMITS, _cell, decode, limits_of, show  # noqa: F401 (decode, LIMITS, _cell: API)
from .jsonl import _read_jsonl
from .values import id_problem, nfkc
from .xlsx import _read_xlsx

SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass
class Table:
    path: Path
    kind: str
    frame: pd.DataFrame | None  # text columns, named as in the file after trimming (None: read ahead, not sent)
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


# ------------------------------------------------------------------ CSV

def _read_csv(path: Path, limits: dict) -> tuple[pd.DataFrame, pd.Series, str, list, list, bool]:
    """The file's records, their line numbers, encoding, notes, problems, and whether the whole text is free
    of control characters (then no cell has one: :func:`cell_problems` need not look)."""
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(t("errors.read.empty", path=path))
    text, encoding = decode(path, data)
    header_row = int(limits.get("header_row") or 1)
    head_lines = text.lstrip("\ufeff").split("\n", header_row)
    first_line = head_lines[header_row - 1] if len(head_lines) >= header_row else ""
    delimiter = "\t" if path.suffix.lower() == ".tsv" or (
        first_line.count("\t") > first_line.count(",") and first_line.count("\t") > 0) else ","
    cap = int(limits["max_cell_chars"])
    clean = _CONTROL.search(text) is None
    if '"' not in text and "\r" not in text:  # no quoting: every line is a record, split in C
        frame, rows, problems = _read_plain_csv(path, text, delimiter, cap, limits, by_parser=clean)
        return frame, rows, encoding, [], problems, clean
    if clean and "\r" not in text and text.count("\n") >= QUOTED_BY_PARSER_MIN_ROWS:  # quoted cells: in C too
        whole = _plain_by_parser(text, text.split("\n"), delimiter, cap, limits, quoted=True)
        if whole is not None:
            return whole[0], whole[1], encoding, [], whole[2], clean
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
        if header is None and start < header_row:  # title lines above the header a profile names
            continue
        if not rec or (not rec[0].strip() and not "".join(rec).strip()):  # blank: the first cell decides most
            if header is None and header_row > 1:
                raise InputError(t("profiles.err.header_row_empty", path=str(path), row=header_row))
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
    return frame, pd.Series(numbers, dtype="int64"), encoding, notes, problems, clean


QUOTED_BY_PARSER_MIN_ROWS = 1000  # a smaller quoted file is read faster by the csv reader than pandas starts
QUOTED_BY_PARSER_MAX_SHARE = 0.25  # more quoted lines than this: checking them costs what the csv reader saves
_BLANK = " \t\ufeff"  # what a line holding nothing but delimiters may also hold (a blank line, a byte-order mark)


def _read_plain_csv(path: Path, text: str, delimiter: str, cap: int, limits: dict, by_parser: bool = False):
    """The fast path of :func:`_read_csv` for text without quotes or carriage returns (same results).

    ``by_parser`` (text without control characters): a file whose every line after the header holds the
    header's number of fields, with no blank line and no cell over the cap, is split by pandas' C parser,
    which makes the cells' strings about three times faster than splitting each line here.
    """
    lines = text.split("\n")
    whole = _plain_by_parser(text, lines, delimiter, cap, limits) if by_parser else None
    if whole is not None:
        return whole
    header, records, numbers, problems = None, [], [], []
    blank = _BLANK + delimiter
    header_row = int(limits.get("header_row") or 1)
    for i, line in enumerate(lines, start=1):
        if header is None and i < header_row:  # title lines above the header a profile names
            continue
        if not line.strip(blank):  # empty, or nothing but delimiters and spaces
            if header is None and header_row > 1:
                raise InputError(t("profiles.err.header_row_empty", path=str(path), row=header_row))
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


def _plain_by_parser(text: str, lines: list[str], delimiter: str, cap: int, limits: dict, quoted: bool = False):
    """:func:`_read_plain_csv`'s result from pandas' C parser, or None when the file is not one it reads the
    same way (title lines above the header, a blank line, a line with another number of fields, a long cell,
    no record): the line-by-line reading then finds and reports what there is to report.

    ``quoted``: the text has quotes (and no carriage return). A line with a quote is taken only when it is
    the header's number of well-formed fields (a quoted cell: ``"..."`` with ``""`` for a quote and no line
    break; any other cell: no quote, no delimiter), which the C parser and Python's strict ``csv`` reader read
    alike. Any other quoting goes to the ``csv`` reader, which reads it or says what is wrong with it. Only
    for a file of many records, at most a quarter of them quoted (amounts with thousands separators, the odd
    title with a comma): checking each quoted line costs about what the ``csv`` reader does.
    """
    end = len(lines)
    while end and not lines[end - 1]:  # the newline(s) that end the file
        end -= 1
    blank = _BLANK + delimiter
    if int(limits.get("header_row") or 1) != 1 or end < 2 or not lines[0].strip(blank):
        return None
    header = lines[0].split(delimiter)
    if quoted and not lines[0].replace(delimiter, "").replace('"', "").strip():
        return None  # a header the csv reader takes for a blank line
    if quoted and '"' in lines[0]:
        header = next(csv.reader([lines[0]], delimiter=delimiter))
        if not _fields(delimiter, len(header)).fullmatch(lines[0]):
            return None
    width, body = len(header), lines[1:end]
    if width > int(limits["max_columns"]) or max(map(len, body)) > cap:
        return None
    need = width - 1
    if body[0].startswith("\ufeff"):
        return None  # (the parser drops a byte-order mark that starts its text)
    if not quoted:  # every line the header's number of fields (more, and the parser stops) and none blank
        if body[0].count(delimiter) != need or text.count(delimiter) != need * (len(body) + 1) \
                or not body[0].strip(blank) or not body[-1].strip(blank) \
                or _blank_line(delimiter).search(text, len(lines[0]), len(text) - (len(lines) - end) - len(body[-1])):
            return None
    else:
        quotes = sum('"' in line for line in body)
        if len(body) < QUOTED_BY_PARSER_MIN_ROWS or quotes > QUOTED_BY_PARSER_MAX_SHARE * len(body):
            return None  # checking many quoted lines costs more than the csv reader saves
        fields = _fields(delimiter, width).fullmatch
        # a blank record for the csv reader: every cell white space (str.strip's, which takes U+2028 too)
        if not all(fields(line) and line.replace(delimiter, "").replace('"', "").strip() if '"' in line
                   else line.count(delimiter) == need and line.replace(delimiter, "").strip() for line in body):
            return None
    try:
        frame = pd.read_csv(io.StringIO(text[len(lines[0]) + 1:]), sep=delimiter, header=None, names=range(width),
                            dtype=object, na_filter=False, keep_default_na=False,
                            quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE, quotechar='"',
                            doublequote=True, engine="c", low_memory=False, skip_blank_lines=True)
    except pd.errors.ParserError:  # a line with more fields than the header (then another has fewer)
        return None
    if frame.shape != (len(body), width):
        return None
    frame.columns = header
    return frame, pd.Series(range(2, 2 + len(body)), dtype="int64"), []


@lru_cache(maxsize=16)
def _blank_line(delimiter: str) -> re.Pattern:
    """A line break, a line of nothing but delimiters, spaces, tabs and byte-order marks, and a line break."""
    return re.compile(f"\n[{re.escape(_BLANK + delimiter)}]*\n")


@lru_cache(maxsize=64)
def _fields(delimiter: str, width: int) -> re.Pattern:
    """One line of exactly ``width`` well-formed fields (see :func:`_plain_by_parser`)."""
    d = re.escape(delimiter)
    field = f'(?:"(?:[^"\\n]|"")*"|[^"{d}\\n]*)'
    return re.compile(f"{field}(?:{d}{field}){{{width - 1}}}")


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


# ------------------------------------------------------------------ all formats

def cell_problems(frame: pd.DataFrame, kind: str, control: bool = True) -> tuple[list[tuple[int, str, str]], int]:
    """Control characters in any cell (unless ``control`` is False: the file's text has none); ids
    NFKC-normalised, invisible characters in ids. Returns problems, ids changed."""
    problems: list[tuple[int, str, str]] = []
    for col in frame.columns if control else ():
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
    # identifiers a spreadsheet turned into numbers on the way to CSV: 1.10101E+17 has lost digits
    for col in [c for c in frame.columns if c in id_cols or c in _IDENTIFIER_COLUMNS]:
        values = frame[col].to_numpy(dtype=object)
        try:
            if "e" not in "".join(values).lower():
                continue
        except TypeError:
            pass
        for pos, v in enumerate(values):
            if isinstance(v, str) and _EXPONENT.match(v.strip()):
                problems.append((pos, col, t("errors.read.id_as_exponent", value=show(v, 40))))
    return problems, changed


# Columns holding identifiers that are digits (citizen id numbers, registration numbers).
_IDENTIFIER_COLUMNS = {"id_number", "registration_no"}
# What a spreadsheet shows for a long number: one digit, decimals, a short exponent (1.10101E+17). A real
# identifier with a letter E inside (unified social credit code 913601007E18205423) is not that shape.
_EXPONENT = re.compile(r"^[+-]?\d(\.\d+)?[eE][+]?\d{1,3}$")


def read_table(path: Path, kind: str | None = None, rename: dict[str, str] | None = None,
               settings: dict | None = None, nested: bool = False, header_row: int | None = None) -> Table:
    """Read ``path`` as ``kind`` (default: from the file name), columns trimmed and lower-cased, renamed.

    ``settings`` supplies the ``[limits]``; ``nested`` lets JSON Lines carry
    nested objects (kept as JSON text) for a profile that declares them;
    ``header_row`` (CSV, XLSX) is the row of the header when title lines sit above it.
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
    limits["header_row"] = header_row or 1
    clean = False
    try:
        if fmt == "csv":
            frame, rows, encoding, notes, problems, clean = _read_csv(path, limits)
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
    found, changed = cell_problems(frame, kind, control=not clean)
    if changed:
        notes.append(t("errors.read.ids_normalised", n=changed))
    for i, c in enumerate(columns):  # a value under a column with no name would be dropped unseen
        if c:
            continue
        values = frame.iloc[:, i].to_numpy(dtype=object)
        for pos in (p for p, v in enumerate(values) if isinstance(v, str) and v.strip()):
            found.append((pos, "", t("errors.read.unnamed_column", col=i + 1, value=show(values[pos], 40))))
    return Table(path=path, kind=kind, frame=frame, rows=rows, encoding=encoding, notes=notes,
                 problems=problems + found, checked=True)
