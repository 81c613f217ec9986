"""A CSV file without quotes is split by pandas' C parser when it reads it the same way as the line-by-line
reading does (graphrisk.ingest.readers._plain_by_parser); any other file is read line by line. A large file
with some well-formed quoted cells is split by the C parser too, when it reads it as the csv reader does.
Both ways give the same cells, columns, row numbers and problems, or the same error."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphrisk.errors import InputError
from graphrisk.ingest import readers
from graphrisk.ingest.cells import limits_of

CELL = st.sampled_from(["", " ", "a", "O1", "NA", "nan", "null", "1e5", "0012", "#x", "王强", "張　偉 ", "a b",
                        "\u2028", "2026-01-01", "-", "TRUE", "\ufeffx"])


def _line(cells, delimiter):
    return delimiter.join(cells)


def _start(draw, widest: int):
    """A drawn delimiter, number of columns and header."""
    delimiter = draw(st.sampled_from([",", "\t"]))
    width = draw(st.integers(1, widest))
    return delimiter, width, [f"c{i}" for i in range(width)]


@st.composite
def plain_text(draw):
    delimiter, width, header = _start(draw, 5)
    if draw(st.booleans()):
        header[0] = draw(st.sampled_from(["\ufeffc0", "c1", " c0 "]))  # a BOM, a repeated name, spaces
    lines = [_line(header, delimiter)]
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["ok"] * 6 + ["short", "long", "blank", "delims"]))
        n = {"ok": width, "short": max(width - 1, 0), "long": width + 1}.get(kind, width)
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", " ", "\t"])))
        elif kind == "delims":
            lines.append(delimiter * (width - 1))
        else:
            lines.append(_line(draw(st.lists(CELL, min_size=n, max_size=n)), delimiter))
    return delimiter, "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


def _read(text, delimiter, by_parser, cap=1_000, header_row=1):
    limits = {**limits_of(None), "header_row": header_row}
    try:
        frame, rows, problems = readers._read_plain_csv(Path("t.csv"), text, delimiter, cap, limits,
                                                        by_parser=by_parser)
    except InputError as exc:
        return ("error", str(exc))
    return (list(frame.columns), frame.to_numpy(dtype=object).tolist(), [str(d) for d in frame.dtypes],
            rows.tolist(), str(rows.dtype), problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_text(), st.sampled_from([1_000, 3]), st.sampled_from([1, 1, 2]))
def test_the_c_parser_reads_as_the_lines_are_read(case, cap, header_row):
    delimiter, text = case
    assert _read(text, delimiter, True, cap, header_row) == _read(text, delimiter, False, cap, header_row)


def test_a_regular_file_goes_through_the_c_parser_and_an_irregular_one_does_not(monkeypatch):
    calls = []
    real = pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: calls.append(1) or real(*a, **k))
    regular = "id,name\nO1,李明\nO2,nan\n"
    assert _read(regular, ",", True)[1] == [["O1", "李明"], ["O2", "nan"]] and calls == [1]
    short = "id,name\nO1\nO2,x\n"
    got = _read(short, ",", True)
    assert calls == [1] and got[3] == [2, 3] and len(got[5]) == 1  # the short row is a problem, read by lines
    assert _read("id,name\n\nO1,x\n", ",", True)[3] == [3] and calls == [1]  # a blank line: by lines


@pytest.mark.parametrize("text", [
    "id,name\nO1,x\nO2\nO3,y,z\n",  # a short line and a long one: the right number of delimiters in all
    "id,name\nO1,x,z\nO2\nO3,y\n",  # the long one first (the parser would take its first cell for an index)
    "id,name\nO1,x\n , \nO3,y",  # a blank line between records, no newline at the end
    "id,name\nO1,x\nO3,y\n\t,\n\n",  # a blank last line, then empty ones
    "id,name\nO1,x\n\nO3,y\n",  # an empty line
])
def test_a_file_the_c_parser_would_read_otherwise_is_read_by_lines(text):
    assert _read(text, ",", True) == _read(text, ",", False)


@pytest.mark.parametrize("text", ["id,name\n", "id,name", "\nid,name\nO1,x\n"])
def test_files_without_records_or_with_a_blank_first_line(text):
    assert _read(text, ",", True) == _read(text, ",", False)


WELL_QUOTED = st.sampled_from(['"a,b"', '"x""y"', '""', '"王强，有限公司"', '" spaced "', '"1,234.50"', '"\t"', '"#"',
                               '" "', '""""', '"\u2028"', '"NA"'])
QUOTED = st.one_of(WELL_QUOTED, st.sampled_from(['"ab"c', 'a"b', '"open', '"a" ', ' "a"', 'x""']))


@st.composite
def quoted_text(draw):
    delimiter, width, header = _start(draw, 4)
    if draw(st.booleans()):
        header = [f'"{h}"' if draw(st.booleans()) else h for h in header]
    if draw(st.booleans()):
        header[-1] = draw(st.sampled_from(['"c,x"', '"c""q"', '"open', 'c"']))
    lines = [delimiter.join(header)]
    regular = draw(st.booleans())  # half the files hold only well-formed lines
    cells = st.one_of(CELL, WELL_QUOTED) if regular else st.one_of(CELL, QUOTED)
    for _ in range(draw(st.integers(0, 8))):
        kind = "ok" if regular else draw(st.sampled_from(["ok"] * 6 + ["short", "long", "blank", "quoted blank",
                                                                       "multiline"]))
        n = {"short": max(width - 1, 0), "long": width + 1}.get(kind, width)
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", " ", delimiter * (width - 1)])))
        elif kind == "quoted blank":
            lines.append(delimiter.join(['""'] * width))
        elif kind == "multiline":
            lines.append(delimiter.join(['"two\nlines"'] + ["x"] * (width - 1)))
        else:
            lines.append(delimiter.join(draw(st.lists(cells, min_size=n, max_size=n))))
    return delimiter, "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


def _read_file(path, text, by_parser):
    """``_read_csv`` of ``text``, with the C parser allowed for quoted text or not."""
    import tempfile

    original = readers._plain_by_parser

    def no_quoted(*args, quoted=False, **kwargs):
        return None if quoted else original(*args, **kwargs)

    with tempfile.TemporaryDirectory() as folder:
        f = Path(folder) / path
        f.write_text(text, encoding="utf-8")
        readers._plain_by_parser = original if by_parser else no_quoted
        try:
            frame, rows, encoding, notes, problems, clean = readers._read_csv(f, limits_of(None))
        except InputError as exc:
            return ("error", str(exc).replace(folder, ""))
        finally:
            readers._plain_by_parser = original
    return (list(frame.columns), frame.to_numpy(dtype=object).tolist(), rows.tolist(), notes, problems, clean)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quoted_text())
def test_quoted_text_reads_the_same_through_the_c_parser_as_through_the_csv_reader(case):
    """Well-formed quoted cells go through the C parser (here at any size and share of quoted lines); any other
    quoting, a blank or quoted-blank line, a short or long line, a cell across lines: the csv reader, as
    before. Both give the same cells, row numbers, notes and problems, or the same error."""
    delimiter, text = case
    name = "t.tsv" if delimiter == "\t" else "t.csv"
    saved = readers.QUOTED_BY_PARSER_MIN_ROWS, readers.QUOTED_BY_PARSER_MAX_SHARE
    readers.QUOTED_BY_PARSER_MIN_ROWS, readers.QUOTED_BY_PARSER_MAX_SHARE = 0, 1.0
    try:
        assert _read_file(name, text, True) == _read_file(name, text, False)
    finally:
        readers.QUOTED_BY_PARSER_MIN_ROWS, readers.QUOTED_BY_PARSER_MAX_SHARE = saved


def test_a_large_file_with_some_quoted_amounts_goes_through_the_c_parser(monkeypatch, tmp_path):
    """A register with amounts like "1,234.50" on some lines is split in C; one with a malformed quote, or
    with most lines quoted, goes to the csv reader (which names the bad row)."""
    calls = []
    original = readers._plain_by_parser
    monkeypatch.setattr(readers, "_plain_by_parser",
                        lambda *a, **k: calls.append(k.get("quoted")) or original(*a, **k))
    lines = ["gift_id,giver_id,recipient_id,date,value,currency,description"]
    for i in range(3000):
        value = f'"{1000 + i:,}.50"' if i % 5 == 0 else f"{i}.00"
        title = '"茶叶, 礼盒"' if i % 9 == 0 else "tea"
        lines.append(f"G{i},P{i % 7},O{i % 3},2026-01-{1 + i % 28:02d},{value},CNY,{title}")
    path = tmp_path / "gifts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame, rows, *_ = readers._read_csv(path, limits_of(None))
    assert calls == [True] and len(frame) == 3000 and frame["value"].iloc[5] == "1,005.50"
    assert frame["description"].iloc[9] == "茶叶, 礼盒" and frame["description"].iloc[10] == "tea"
    assert rows.iloc[-1] == 3001
    calls.clear()
    path.write_text("\n".join(lines[:2000] + ['G9,P1,O1,2026-01-01,"12"3,CNY,tea'] + lines[2000:]) + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=":2001: malformed quoting"):
        readers._read_csv(path, limits_of(None))
    assert calls == [True]  # tried, found the malformed line, and left the file to the csv reader
