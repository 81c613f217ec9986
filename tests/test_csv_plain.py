"""A CSV file without quotes is split by pandas' C parser when it reads it the same way as the line-by-line
reading does (graphrisk.ingest.readers._plain_by_parser); any other file is read line by line. Both give the
same cells, columns, row numbers and problems, or the same error."""
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


@st.composite
def plain_text(draw):
    delimiter = draw(st.sampled_from([",", "\t"]))
    width = draw(st.integers(1, 5))
    header = [f"c{i}" for i in range(width)]
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


@pytest.mark.parametrize("text", ["id,name\n", "id,name", "\nid,name\nO1,x\n"])
def test_files_without_records_or_with_a_blank_first_line(text):
    assert _read(text, ",", True) == _read(text, ",", False)
