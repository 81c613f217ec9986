"""Risk levels and conflict paths as of a date, from a stored run when one fits, else evaluated (and stored).

A stored ``flags`` run fits when it was made with the same ``as_of``, no
``since``, the same settings (fingerprint) and the same data version (the
store's batches), so it is what replaying the analysis would give now. A
fresh evaluation is stored as an ordinary ``flags`` run (with its ``paths``
run), so the next report, ``graphrisk flags --as-of`` and this module all
share them.

Evaluations of earlier dates reuse one graph: the graph as of the latest
date, with the records dated after each earlier date left out, which is
exactly what ``build_graph(db, as_of=earlier)`` would read.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import networkx as nx

from .. import store


@dataclass
class Snapshot:
    """Flags (every official with a finding, green included) and paths as of a date, as JSON dicts."""

    as_of: str
    flags: list[dict]
    paths: list[dict]
    run_id: int | None
    cached: bool
    seconds: float = 0.0
    G: nx.MultiDiGraph | None = field(default=None, repr=False)

    graph_of: object = field(default=None, repr=False)  # callable as_of -> graph, for a lazy G

    def graph(self) -> nx.MultiDiGraph:
        """The graph as of this snapshot's date (built on first use)."""
        if self.G is None:
            self.G = self.graph_of(self.as_of)
        return self.G

    def levels(self) -> dict[str, str]:
        return {f["official_id"]: f["level"] for f in self.flags}

    def by_official(self) -> dict[str, dict]:
        return {f["official_id"]: f for f in self.flags}


def _plain(value):
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True))


ANALYSIS_SECTIONS = ("graph", "paths", "scoring", "rules", "centrality")


def same_settings(stored_json: str | None, settings: dict, sections=ANALYSIS_SECTIONS) -> bool:
    """Whether a stored run's settings equal ``settings`` in the sections that shape its results
    (a change of ``[report]`` or ``[map]`` does not make stored analyses stale)."""
    try:
        stored = json.loads(stored_json or "")
    except ValueError:
        return False
    return all(stored.get(k) == _plain(settings.get(k)) for k in sections)


def find_stored_run(db, as_of: str, settings: dict) -> tuple[int, int] | None:
    """(flags run id, paths run id) of the latest stored evaluation that fits, or None."""
    if "runs" not in db.table_names() or "flags" not in db.table_names() or "paths" not in db.table_names():
        return None
    dv = store.data_version(db)
    for row in db.query("select id, settings from runs where kind = 'flags' and as_of = ? and since is null "
                        "and until is null and data_version = ? and seconds is not null order by id desc",
                        [as_of, dv]):
        if not same_settings(row["settings"], settings):
            continue
        params = json.dumps({"flags_run": row["id"]}, sort_keys=True, ensure_ascii=False, default=str)
        p = next(db.query("select id from runs where kind = 'paths' and params = ? order by id desc limit 1",
                          [params]), None)
        if p is not None:
            return row["id"], p["id"]
    return None


def load_snapshot(db, as_of: str, flags_run: int, paths_run: int) -> Snapshot:
    from ..analysis.paths import load_paths
    from ..rules.engine import load_flags

    flags = [f.to_dict() for f in load_flags(db, run_id=flags_run)]
    return Snapshot(as_of, _plain(flags), _plain(load_paths(db, paths_run)), flags_run, True)


def graph_as_of(G: nx.MultiDiGraph, as_of: str) -> nx.MultiDiGraph:
    """``G`` without the records dated after ``as_of`` (entities and undated ties stay), as build_graph would."""
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.graph["as_of"] = as_of
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
                     if d.get("date") is None or str(d["date"])[:10] <= as_of)
    return H


class Snapshots:
    """Snapshots by date for one report: stored runs reused, evaluations stored, one graph read from the store."""

    def __init__(self, db, settings: dict, store_runs: bool = True, label: str = "report"):
        self.db = db
        self.settings = settings
        self.store_runs = store_runs
        self.label = label
        self._cache: dict[str, Snapshot] = {}
        self._base: nx.MultiDiGraph | None = None  # graph as of the latest date asked for so far
        self.latest: str | None = None  # the latest date this report will ask for (set by the caller)
        self.log: list[dict] = []  # per date: cached or evaluated, seconds

    def graph(self, as_of: str) -> nx.MultiDiGraph:
        """The graph as of a date: read once from the store (as of ``latest``), filtered for earlier dates."""
        from ..graph import build_graph

        top = max(as_of, self.latest or as_of)
        if self._base is None or self._base.graph.get("as_of") < top:
            self._base = build_graph(self.db, as_of=top)
        if as_of == self._base.graph.get("as_of"):
            return self._base
        return graph_as_of(self._base, as_of)

    def get(self, as_of: str, need_graph: bool = False) -> Snapshot:
        snap = self._cache.get(as_of)
        if snap is None:
            t0 = time.perf_counter()
            found = find_stored_run(self.db, as_of, self.settings)
            if found:
                snap = load_snapshot(self.db, as_of, *found)
            else:
                snap = self._evaluate(as_of)
            snap.seconds = round(time.perf_counter() - t0, 3)
            self.log.append({"as_of": as_of, "cached": snap.cached, "seconds": snap.seconds,
                             "run_id": snap.run_id})
            snap.graph_of = self.graph
            self._cache[as_of] = snap
        if need_graph and snap.G is None:
            snap.G = self.graph(as_of)
        return snap

    def _evaluate(self, as_of: str) -> Snapshot:
        from ..rules.engine import evaluate, store_evaluation

        ev = evaluate(G=self.graph(as_of), settings=self.settings, as_of=as_of)
        run_id = None
        if self.store_runs:
            run_id = store_evaluation(self.db, ev, {"as_of": as_of, "by": self.label})
        return Snapshot(as_of, _plain([f.to_dict() for f in ev.flags]), _plain([p.to_dict() for p in ev.paths]),
                        run_id, False, G=ev.G)
