"""A stored record's content hash: the same value for the same content across versions, whichever process
computed which column's part (graphrisk.ingest.prepare.content_hash)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from graphrisk.ingest.prepare import column_hashes, combine_hashes, content_hash

CELL = st.one_of(st.none(), st.text(max_size=8), st.floats(allow_nan=False, width=32), st.integers(-5, 5),
                 st.booleans())


def _pandas_hash(frame: pd.DataFrame, cols: list[str]) -> list[str]:
    """The hash as ingest has always stored it: pandas' hash of the row's values as text."""
    canon = frame[cols].astype(object).where(frame[cols].notna(), "").astype(str)
    return [f"{x:016x}" for x in pd.util.hash_pandas_object(canon, index=False).to_numpy(dtype=np.uint64)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=20))
def test_combined_column_parts_are_pandas_row_hashes(rows):
    frame = pd.DataFrame(rows, columns=["a", "b", "c"])
    cols = ["c", "a", "b", "missing"]
    frame["missing"] = None
    assert content_hash(frame, cols).tolist() == _pandas_hash(frame, cols)
    parts = column_hashes(frame.drop(columns="missing"), cols)  # a column the frame lacks is an empty one
    assert content_hash(frame, cols, parts).tolist() == _pandas_hash(frame, cols)
    assert content_hash(frame, cols, {"a": parts["a"]}).tolist() == _pandas_hash(frame, cols)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.none() | st.text(max_size=3), min_size=1, max_size=6), st.integers(1, 3000))
def test_long_text_columns_hash_as_pandas_text(cells, n):
    """Text columns of few or many distinct values over thousands of rows (hashed once per value or once
    per row) hash as pandas' text dtype does."""
    frame = pd.DataFrame({"few": (cells * n)[:n], "many": [f"ID{i}" for i in range(n)]}, dtype=object)
    assert content_hash(frame, ["few", "many"]).tolist() == _pandas_hash(frame, ["few", "many"])


def test_a_known_part_is_used_and_a_part_of_another_length_is_not():
    frame = pd.DataFrame({"id": ["K1", "K2"], "date": ["2025-01-02", None]})
    parts = column_hashes(frame, ["id", "date"])
    stale = dict(parts, date=parts["id"])  # a part that no longer matches its column changes the hash
    assert content_hash(frame, ["id", "date"], stale).tolist() != content_hash(frame, ["id", "date"]).tolist()
    wrong_length = dict(parts, date=np.zeros(5, dtype=np.uint64))
    assert content_hash(frame, ["id", "date"], wrong_length).tolist() == content_hash(frame, ["id", "date"]).tolist()
    assert len(combine_hashes([], 3)) == 3
