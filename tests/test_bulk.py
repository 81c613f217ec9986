"""Rows inserted several per statement (graphrisk.bulk) land as one statement per row would store them."""
from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphrisk import bulk

CELL = st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=False), st.text(max_size=6),
                 st.binary(max_size=4))
TABLES = st.integers(1, 7).flatmap(lambda width: st.lists(st.lists(CELL, min_size=width, max_size=width),
                                                         max_size=150))


def _table(width: int, limit: int):
    conn = sqlite3.connect(":memory:")
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    cols = [f"c{j}" for j in range(width)]
    conn.execute(f"create table t ({', '.join(cols)})")
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    return conn, f"insert into t ({', '.join(cols)})", statements


def _check(conn, rows, width, limit, statements):
    assert conn.execute("select * from t order by rowid").fetchall() == [tuple(r) for r in rows]
    inserts = [s for s in statements if s.lower().startswith("insert")]
    if len(rows) >= min(bulk.ROWS_PER_INSERT, limit // width) > 1:
        assert len(inserts) < len(rows)  # a statement carried several rows


@settings(max_examples=60, deadline=None)
@given(TABLES, st.sampled_from([7, 20, 64, 999]))
def test_a_grid_of_columns_lands_in_order_with_its_values(rows, limit):
    width = len(rows[0]) if rows else 3
    conn, head, statements = _table(width, limit)
    columns = [np.array([r[j] for r in rows] + [None], dtype=object)[:-1] for j in range(width)]
    if rows:
        bulk.insert_grid(conn, head, columns)
    _check(conn, rows, width, limit, statements)


@settings(max_examples=60, deadline=None)
@given(TABLES, st.sampled_from([7, 20, 64, 999]))
def test_rows_from_a_generator_land_in_order_with_their_values(rows, limit):
    width = len(rows[0]) if rows else 3
    conn, head, statements = _table(width, limit)
    bulk.insert_rows(conn, head, width, (tuple(r) for r in rows))
    _check(conn, rows, width, limit, statements)


def test_a_row_of_another_length_is_an_error_not_values_shifted_into_the_next_row():
    conn, head, _ = _table(2, 999)
    rows = [(1, 2)] * 100 + [(3,), (4, 5, 6)] + [(7, 8)] * 100  # as many values as 201 rows of two
    with pytest.raises(ValueError, match="1 values where 2"):
        bulk.insert_rows(conn, head, 2, rows)
    conn, head, _ = _table(2, 999)
    with pytest.raises(ValueError, match="3 values where 2"):  # in the rows after the last whole statement too
        bulk.insert_rows(conn, head, 2, [(1, 2), (3, 4, 5)])
