"""Centrality runs in the store: write, list, load, compare."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ... import bulk, store
from ... import settings as settings_mod
from ...errors import NotFound
from ...store_results import m006_centrality_index
from ...forking import Background, can_fork

from ._base import TABLE
from .result import CentralityResult, name_order, ranked
from .simple import KindCounts

# ---------------------------------------------------------------- store

def _ensure_table(db) -> None:
    if TABLE not in db.table_names():
        db[TABLE].create({"run_id": int, "node_id": str, "measure": str, "value": float, "rank": int})
        m006_centrality_index(db)


def store_run(db, result: CentralityResult, params: dict | None = None, settings: dict | None = None,
              seconds: float | None = None) -> int:
    """Write ``result`` as one run (table ``centrality``: run_id, node_id, measure, value, rank); return its id.

    The run's row in ``runs`` (kind "centrality") records ``result.params()``
    merged with ``params``, the settings and the graph's window. Per-kind
    counts and amounts of weighted degree are stored as measures
    ``degree.<kind>`` and ``weighted_degree.<kind>`` (non-zero values only),
    brokered pairs as ``brokerage_pairs``.
    """
    return RunWriter(db, result, params, settings).finish(seconds)


class RunWriter:
    """One centrality run written measure by measure, so a measure's rows go in while others are computed
    (``compute(on_measure=...)``); the run counts as stored only once :meth:`finish` records its time.

    With ``background=True`` each measure is written by a forked process (it inherits the values, nothing
    is copied; it exits once done) while this one computes the next measure: about a million and a half
    rows and their index take SQLite several seconds on a graph of 150,000 nodes. One writer at a time,
    in the order the measures came, so the table's rows are in the same order as a one-process run: a
    writer holds its rows and the pages it copies (150-300 MB each at scale 10), and three alive at once
    took the command's processes past 1 GB. Where no fork is possible (or the store is in memory) each
    measure is written here, after any writer still at work.
    """

    def __init__(self, db, result: CentralityResult, params: dict | None = None, settings: dict | None = None,
                 background: bool = False):
        settings = settings or settings_mod.defaults()
        _ensure_table(db)
        g = result.graph
        self.db, self.result, self.params = db, result, params or {}
        self.run_id = store.start_run(db, "centrality", {**result.params(), **self.params},
                                      settings_mod.fingerprint(settings), as_of=g.get("as_of"),
                                      since=g.get("since"), until=g.get("until"))
        self.written: set[str] = set()
        path = store.file_of(db)
        self._path = Path(path) if background and path else None
        self._writers: list[Background] = []
        self._error: Exception | None = None  # a writer's, raised by wait()
        self._forked = False

    def _extra(self, measure: str) -> dict[str, dict]:
        """Rows stored beside a measure: per-kind counts and amounts of weighted degree, brokered pairs."""
        result, extra = self.result, {}
        if measure == "weighted_degree" and "weighted_degree" in result.details:
            for node, kinds in result.details["weighted_degree"].items():
                if result.kind is not None and node not in result.values["weighted_degree"]:
                    continue
                for k, s in kinds.items():
                    extra.setdefault(f"degree.{k}", {})[node] = float(s["count"])
                    if s["amount"]:
                        extra.setdefault(f"weighted_degree.{k}", {})[node] = s["amount"]
        if measure == "brokerage" and "brokerage" in result.details:
            extra["brokerage_pairs"] = {o: float(d["pairs"]) for o, d in result.details["brokerage"].items()}
        return extra

    def write(self, measure: str) -> None:
        """Store one computed measure (and the rows beside it), here or, in the background, by a forked writer."""
        if measure in self.written:
            return
        self.written.add(measure)
        if self._path is None or not can_fork():
            self.wait()  # the measures before this one go in first, as they came
            self._insert(self.db, measure)
            return
        if not self._forked:  # the node order by id, sorted once here: every writer forked after inherits it
            name_order(self.result.values[measure])
            self._forked = True
        self._settle()
        self._writers.append(Background(_write_measure, self, measure))

    def _extra_ranked(self, measure: str) -> list[tuple[str, list]]:
        """The rows beside a measure, ranked: ``[(name, [(node, value, rank)])]`` by name, as :func:`ranked`
        ranks :meth:`_extra`'s values; from the arrays of weighted degree's :class:`KindCounts` when it has
        them (at scale 50, three million values: their dicts and sorts took 5.5 s of a writer)."""
        by = self.result.details.get("weighted_degree")
        if measure != "weighted_degree" or not isinstance(by, KindCounts):
            return [(m, ranked(vals)) for m, vals in sorted(self._extra(measure).items())]
        ids, node, kind, count, amount = by.ids, by.node, by.kind, by.count, by.amount
        sel = np.ones(len(node), dtype=bool)
        if self.result.kind is not None:
            kept = np.zeros(len(ids), dtype=bool)
            kept[[by.position(n) for n in self.result.values["weighted_degree"]]] = True
            sel = kept[node]

        def rank(at: np.ndarray, vals: np.ndarray) -> list:
            order = np.lexsort((node[at], -vals))  # value descending, then node id: ids are sorted
            return list(zip([ids[i] for i in node[at][order].tolist()], vals[order].tolist(),
                            range(1, len(order) + 1)))

        out = []
        for code, k in enumerate(by.kinds):
            at = np.flatnonzero(sel & (kind == code))
            if len(at):
                out.append((f"degree.{k}", rank(at, count[at].astype(float))))
            at = at[amount[at] != 0]
            if len(at):
                out.append((f"weighted_degree.{k}", rank(at, amount[at])))
        return sorted(out, key=lambda x: x[0])

    def _insert(self, db, measure: str) -> None:
        run_id = self.run_id
        # a generator: SQLite takes the rows as they are made, never a list of a million tuples
        rows = ((run_id, str(node), m, float(v), rank)
                for m, order in [(measure, self.result.ranked(measure)), *self._extra_ranked(measure)]
                for node, v, rank in order)
        conn = db.conn
        cache = conn.execute("pragma cache_size").fetchone()[0]
        conn.execute("pragma cache_size=-131072")  # a million rows and their index: 128 MiB of pages
        try:
            with conn:
                bulk.insert_rows(conn, f"insert into [{TABLE}] (run_id, node_id, measure, value, rank)", 5, rows)
        finally:
            conn.execute(f"pragma cache_size={int(cache)}")

    def _settle(self) -> None:
        """Wait for the background writer at work; keep its error for :meth:`wait` (the next measure is still
        written: ending a writer mid-write would leave its measure half stored)."""
        writers, self._writers = self._writers, []
        for w in writers:
            try:
                w.join()
            except Exception as exc:  # noqa: BLE001 - raised by wait()
                self._error = self._error or exc

    def wait(self) -> None:
        """Wait for the background writers, then raise the first one's error, if any."""
        self._settle()
        error, self._error = self._error, None
        if error is not None:
            raise error

    def finish(self, seconds: float | None = None) -> int:
        """Store the measures not written yet, the run's final parameters (every measure's info) and time."""
        for m in self.result.values:
            self.write(m)
        self.wait()
        with self.db.conn:
            self.db.conn.execute("update runs set params = ? where id = ?",
                                 [json.dumps({**self.result.params(), **self.params}, sort_keys=True,
                                             ensure_ascii=False, default=str), self.run_id])
        store.finish_run(self.db, self.run_id, seconds if seconds is not None else sum(self.result.seconds.values()))
        return self.run_id


def _write_measure(writer: RunWriter, measure: str) -> None:
    """A forked writer: insert one measure's rows on a connection of its own (a connection never crosses a fork)."""
    db = store.connect(writer._path, create=False)
    try:
        writer._insert(db, measure)
    finally:
        db.conn.close()


def runs(db, measure: str | None = None) -> list[dict]:
    """Stored centrality runs, newest first (optionally only those holding ``measure``)."""
    rows = list(db.query("select * from runs where kind = 'centrality' order by id desc"))
    if measure is None or TABLE not in db.table_names():
        return rows
    have = {r["run_id"] for r in db.query(f"select distinct run_id from [{TABLE}] where measure = ?", [measure])}
    return [r for r in rows if r["id"] in have]


def _reference_day(run: dict) -> str:
    return (run.get("as_of") or run.get("until") or run["created_at"])[:10]


def _load_ranked(db, run_id: int, measure: str) -> tuple[dict, dict]:
    if TABLE not in db.table_names():
        raise NotFound("no centrality runs stored yet (run `graphrisk centrality`)")
    rows = db.conn.execute(f"select node_id, value, rank from [{TABLE}] where run_id = ? and measure = ? "
                           "order by rank", [run_id, measure]).fetchall()
    if not rows and not next(db.query("select 1 from runs where id = ? and kind = 'centrality'", [run_id]), None):
        raise NotFound(f"no centrality run with id {run_id}")
    return {n: v for n, v, _ in rows}, {n: r for n, _, r in rows}


def load_run(db, run_id: int, measure: str) -> dict:
    """``{node: value}`` of ``measure`` in stored run ``run_id``, highest first."""
    return _load_ranked(db, run_id, measure)[0]


def latest(db, measure: str, as_of: str | None = None) -> dict:
    """``{node: value}`` of ``measure`` from the latest stored run (as of a day, if given).

    A run's day is the end of its graph window (``as_of`` or ``until``) or,
    without one, the day it was made; the latest run whose day is on or
    before ``as_of`` wins (ties: the newest run). Empty when none matches.
    """
    cands = runs(db, measure) if TABLE in db.table_names() else []
    if as_of:
        cands = [r for r in cands if _reference_day(r) <= as_of[:10]]
    if not cands:
        return {}
    best = max(cands, key=lambda r: (_reference_day(r), r["id"]))
    return load_run(db, best["id"], measure)


def compare(db, run_a: int, run_b: int, measure: str) -> list[dict]:
    """Movers of ``measure`` from run ``run_a`` to run ``run_b``, biggest rise first.

    Each item: ``node_id``, ``before``, ``after``, ``change`` (after - before;
    a node absent from a run counts 0 there), ``rank_before``, ``rank_after``
    (None when absent). Sorted by change descending, then node id.
    """
    a, ra = _load_ranked(db, run_a, measure)
    b, rb = _load_ranked(db, run_b, measure)
    out = []
    for n in set(a) | set(b):
        before, after = a.get(n, 0.0), b.get(n, 0.0)
        out.append({"node_id": n, "before": before, "after": after, "change": after - before,
                    "rank_before": ra.get(n), "rank_after": rb.get(n)})
    out.sort(key=lambda r: (-r["change"], r["node_id"]))
    return out


def run_params(db, run_id: int) -> dict:
    """The parameters stored with a centrality run."""
    row = next(db.query("select params from runs where id = ? and kind = 'centrality'", [run_id]), None)
    if row is None:
        raise NotFound(f"no centrality run with id {run_id}")
    return json.loads(row["params"])
