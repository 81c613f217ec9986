"""The ingesting process's checks made cheaper must answer as before: hashes as hex text, dates outside the
plausible range, and the stored ids kept from one file to the next (graphrisk.ingest.support.StoredIds)."""
from __future__ import annotations

import sqlite3

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from graphrisk import store
from graphrisk.ingest import ingest_paths
from graphrisk.ingest.hostile import _dates_outside
from graphrisk.ingest.prepare import _hex16
from graphrisk.ingest.support import StoredIds

from .conftest import SMALL_WORLD, write_files


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=40))
def test_hex16_is_format_016x(values):
    h = np.array(values, dtype=np.uint64)
    assert list(_hex16(h)) == [f"{x:016x}" for x in values]


DATE_CELL = st.one_of(st.none(), st.just(float("nan")), st.integers(0, 3000),
                      st.dates().map(str), st.datetimes().map(lambda d: d.isoformat()),
                      st.text(alphabet="0123456789-T: ", max_size=14))


@settings(max_examples=150, deadline=None)
@given(st.lists(DATE_CELL, max_size=30), st.sampled_from([("1900-01-01", "2100-12-31"), ("2020-01-01", "2020-12")]))
def test_dates_outside_is_the_cell_by_cell_check(cells, bounds):
    lo, hi = bounds
    vals = np.array(cells + [None], dtype=object)[:-1] if cells else np.array([], dtype=object)
    expected = [i for i, v in enumerate(cells) if isinstance(v, str) and (v[:10] < lo or v[:10] > hi)]
    assert _dates_outside(vals, lo, hi).tolist() == expected


def test_stored_ids_are_kept_across_files_and_loaded_again_after_any_other_change(tmp_path):
    world = write_files(tmp_path / "world", SMALL_WORLD)
    db = store.connect(tmp_path / "s.db")
    ingest_paths(db, [world / "units.csv", world / "officials.csv"])
    ids = StoredIds.of(db)
    assert StoredIds.of(db) is ids  # nothing changed since the last file: the same sets
    officials = set(ids.ids("officials"))
    assert officials == {r[0] for r in db.conn.execute("select official_id from officials")}
    ingest_paths(db, [world / "people.csv"])  # written by the ingest: added to the sets it holds
    assert StoredIds.of(db) is ids and ids.ids("officials") == officials
    assert ids.ids("people") == {r[0] for r in db.conn.execute("select person_id from people")}
    other = sqlite3.connect(tmp_path / "s.db")  # another connection's commit: loaded again
    other.execute("insert into officials (official_id, name) values ('O-NEW', 'x')")
    other.commit()
    other.close()
    fresh = StoredIds.of(db)
    assert fresh is not ids and "O-NEW" in fresh.ids("officials")
    db.conn.execute("delete from officials where official_id = 'O-NEW'")  # a write through this connection
    db.conn.commit()
    again = StoredIds.of(db)
    assert again is not fresh and "O-NEW" not in again.ids("officials")


def test_a_reference_to_a_record_deleted_between_files_is_caught(tmp_path):
    world = write_files(tmp_path / "world", SMALL_WORLD)
    db = store.connect(tmp_path / "s.db")
    ingest_paths(db, [world / f for f in ("units.csv", "officials.csv", "people.csv", "companies.csv")])
    StoredIds.of(db).ids("officials")
    other = sqlite3.connect(tmp_path / "s.db")
    other.execute("delete from officials")
    other.commit()
    other.close()
    from graphrisk.errors import InputError

    try:
        ingest_paths(db, [world / "gifts.csv"])
    except InputError as exc:
        assert {p.code for p in exc.problems} == {"unknown_reference"}
    else:
        raise AssertionError("gifts naming officials no longer stored were accepted")


def test_a_column_empty_on_every_row_is_left_out_of_the_insert_and_stored_null(tmp_path):
    import pandas as pd

    from graphrisk.ingest.support import _written_columns

    world = write_files(tmp_path / "world", {k: v for k, v in SMALL_WORLD.items() if k == "units.csv"})
    db = store.connect(tmp_path / "s.db")
    statements = []
    db.conn.set_trace_callback(statements.append)
    ingest_paths(db, [world / "units.csv"])  # parent_id is empty on some rows, region on none
    insert = next(s for s in statements if s.startswith("insert into [units]"))
    assert "[region]" in insert and "[parent_id]" in insert and "[_extra]" not in insert  # no extra column
    db.conn.set_trace_callback(None)
    rows = db.conn.execute("select unit_id, parent_id, region from units order by unit_id").fetchall()
    assert rows == [("U1", None, "市本级"), ("U2", "U1", "市本级"), ("U3", None, "市本级")]
    frame = pd.DataFrame({"a": [None, None], "b": ["x", None], "c": [None, float("nan")], "d": ["", ""]})
    db.conn.execute("create table t (a, b, c default 'z', d)")
    assert _written_columns(db.conn, "t", frame) == ["b", "c", "d"]  # a: empty; c: empty, but has a default


def test_a_file_whose_optional_column_is_empty_stores_nulls(tmp_path):
    world = write_files(tmp_path / "world", SMALL_WORLD)
    db = store.connect(tmp_path / "s.db")
    ingest_paths(db, [world])
    cols = [r[1] for r in db.conn.execute("pragma table_info(gifts)")]
    empty = [c for c in cols if db.conn.execute(f"select count(*) from gifts where [{c}] is not null").fetchone()[0] == 0]
    assert empty  # the small world's gifts leave some stored columns empty: they are NULL, not ''
    for c in empty:
        assert db.conn.execute(f"select count(*) from gifts where [{c}] = ''").fetchone()[0] == 0


def test_progress_starts_as_a_file_is_checked_and_ends_at_the_rows_written(tmp_path):
    world = write_files(tmp_path / "world", SMALL_WORLD)
    db = store.connect(tmp_path / "s.db")
    calls = []
    reports, _ = ingest_paths(db, [world], progress=lambda f, done, total: calls.append((f, done, total)))
    for r in reports:
        mine = [c for c in calls if c[0] == r.path]
        assert mine[0][1] == 0 and mine[-1][1] == mine[-1][2] == r.inserted, (r.path, mine)



@settings(max_examples=300, deadline=None)
@given(st.text(max_size=8) | st.text(alphabet="AaOo0Il1ＡＢ１АВЕОРСаеоΑΒΟβß\u0130\u212a\ufb01", max_size=8))
def test_an_ascii_id_skeleton_is_the_full_formula(text):
    """The ASCII fast path of id_skeleton gives what NFKC, case folding and the look-alike table give."""
    from graphrisk.ingest import values

    assert values.id_skeleton(text) == values.nfkc(text).casefold().translate(values._CONFUSABLE)


ID_CELL = st.one_of(st.none(), st.just(float("nan")), st.integers(0, 99),
                    st.text(alphabet="AaOo01\n|Ｏ", max_size=5), st.text(max_size=5))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(ID_CELL, ID_CELL, ID_CELL), max_size=30))
def test_a_tie_s_derived_id_is_its_key_joined(rows):
    """A tie's id, joined in one go when every key cell is text, is tie_key of its cells."""
    import pandas as pd

    from graphrisk import schema
    from graphrisk.ingest.prepare import Prepared, derive_keys

    frame = pd.DataFrame({c: pd.Series([r[k] for r in rows], dtype=object)
                          for k, c in enumerate(schema.KINDS["relations"].key)})
    prep = Prepared(kind="relations", frame=frame, rows=np.arange(len(rows)))
    derive_keys(prep)
    assert list(prep.frame[schema.KINDS["relations"].id_column]) == [schema.tie_key(r) for r in rows]
