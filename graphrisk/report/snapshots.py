"""Risk levels and conflict paths as of a date, from the one engine (:func:`graphrisk.engine.evaluation`),
which reuses an evaluation stored for the same data, settings and date and stores a new one, so the
report, ``graphrisk flags --as-of`` and the maps share them.

The graph is read once per process (:func:`graphrisk.graph.load`) and filtered for each date; centrality
(movers) runs on the compact graph, and only the maps get a networkx copy, of the current date.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import networkx as nx



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
    ev: object = field(default=None, repr=False)  # the engine's Evaluation (case files reuse it)
    db: object = field(default=None, repr=False)

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


def _evaluate_as_of(as_of: str, path: str, settings: dict):
    """One date's evaluation in a forked worker: its own connection, the inherited graph; no graph sent back."""
    from .. import store as store_mod
    from ..rules.engine import evaluate

    db = store_mod.connect(path, create=False, readonly=True)
    try:
        ev = evaluate(db, settings=settings, as_of=as_of)
    finally:
        db.conn.close()
    ev.G = None
    return ev


def _centrality_as_of(as_of: str, path: str, settings: dict, measures: list[str]):
    """Centrality ``measures`` of officials as of a date (the movers'), in a forked worker."""
    from .. import store as store_mod
    from ..analysis.centrality import compute
    from ..graph import load

    db = store_mod.connect(path, create=False, readonly=True)
    try:
        G = load(db, as_of=as_of)
    finally:
        db.conn.close()
    return compute(G, measures, kind="official", settings=settings, check_error=False)


def _ahead(task: tuple[str, str], path: str, settings: dict, measures: list[str]):
    """A prefetch task: ("evaluation" or "centrality", date)."""
    what, as_of = task
    if what == "evaluation":
        return _evaluate_as_of(as_of, path, settings)
    return _centrality_as_of(as_of, path, settings, measures)


ANALYSIS_SECTIONS = ("graph", "paths", "scoring", "rules", "centrality")


def same_settings(stored_json: str | None, settings: dict, sections=ANALYSIS_SECTIONS) -> bool:
    """Whether a stored run's settings equal ``settings`` in the sections that shape its results
    (a change of ``[report]`` or ``[map]`` does not make stored analyses stale)."""
    try:
        stored = json.loads(stored_json or "")
    except ValueError:
        return False
    return all(stored.get(k) == _plain(settings.get(k)) for k in sections)


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
        self.latest: str | None = None  # the latest date this report will ask for (set by the caller)
        self.log: list[dict] = []  # per date: cached or evaluated, seconds
        self._pre: dict = {}  # as_of -> an Evaluation computed ahead by prefetch(), not used yet
        self._pre_centrality: dict = {}  # as_of -> the movers' CentralityResult computed ahead, not stored yet

    def prefetch(self, dates, workers: int = 2, centrality_dates=(), measures=()) -> list[str]:
        """Evaluate the dates with no stored evaluation, and compute centrality ``measures`` of officials at
        ``centrality_dates`` (the movers', :meth:`centrality`), in ``workers`` forked processes at once (the graph
        read once, before the fork, and shared); each evaluation is stored as it arrives (with ``store_runs``),
        and :meth:`get` and :meth:`levels` use them. Returns the dates evaluated."""
        from ..engine.evaluate import store_evaluation, stored_run
        from ..forking import can_fork, fork_imap, room_for
        from .. import store as store_mod
        from ..graph import load

        todo = sorted({d for d in dates if d not in self._cache and d not in self._pre
                       and stored_run(self.db, self.settings, as_of=d) is None})
        tasks = [("evaluation", d) for d in todo] + [("centrality", d) for d in dict.fromkeys(centrality_dates)
                                                     if d not in self._pre_centrality]
        path = store_mod.file_of(self.db)
        if workers < 2 or len(tasks) < 2 or not path or not can_fork():
            return []
        from ..rules.amounts import amount_plan

        whole = load(self.db)  # read before the fork: every worker makes its windows of it
        if not room_for(min(workers, len(tasks))):  # the graph read, no memory for the workers' copies of it
            return []
        whole.edge_dates()
        whole.endpoint_arrays()
        amount_plan(whole)
        # the evaluations first: the longer tasks, so the two workers end at about the same time; each is
        # stored as it arrives, while the workers compute the next ones
        results = fork_imap(_ahead, tasks, min(workers, len(tasks)), path, self.settings, list(measures))
        for (what, d), result in zip(tasks, results):
            if what == "evaluation" and self.store_runs:
                store_evaluation(self.db, result)
            (self._pre if what == "evaluation" else self._pre_centrality)[d] = result
        self.log.append({"prefetched": todo, "workers": min(workers, len(tasks)),
                         **({"centrality": [d for w, d in tasks if w == "centrality"]} if len(tasks) > len(todo)
                            else {})})
        return todo

    def centrality(self, as_of: str):
        """The movers' centrality result of a date computed ahead by :meth:`prefetch`, or None (taken once)."""
        return self._pre_centrality.pop(as_of, None)

    def graph(self, as_of: str):
        """The engine's compact graph as of a date, a filter over the graph read once per process: movers'
        centrality runs on it, and the maps read it as they would networkx's."""
        from ..graph import load

        return load(self.db, as_of=as_of)

    def levels(self, as_of: str) -> list[str]:
        """Each flagged official's level as of a date: all the trend counts. A date evaluated ahead (and stored)
        is read straight from its evaluation, never turned into a snapshot's JSON; any other date is a
        snapshot as :meth:`get` makes it, its graph and evaluation let go unless a snapshot was asked for."""
        snap = self._cache.get(as_of)
        if snap is not None:
            return [f["level"] for f in snap.flags]
        ev = self._pre.get(as_of)
        if ev is not None and not (self.store_runs and getattr(ev, "run_id", None) is None):
            del self._pre[as_of]
            self.log.append({"as_of": as_of, "cached": False, "seconds": 0.0, "run_id": getattr(ev, "run_id", None)})
            return [f.level for f in ev.flags]
        snap = self.get(as_of)
        snap.G, snap.ev = None, None
        return [f["level"] for f in snap.flags]

    def get(self, as_of: str, need_graph: bool = False) -> Snapshot:
        snap = self._cache.get(as_of)
        if snap is None:
            from ..engine import evaluation

            t0 = time.perf_counter()
            ev = self._pre.pop(as_of, None)
            if ev is None:
                ev = evaluation(self.db, settings=self.settings, as_of=as_of, store=self.store_runs)
            elif self.store_runs and getattr(ev, "run_id", None) is None:
                from ..engine import store_evaluation

                store_evaluation(self.db, ev)
            G = getattr(ev, "G", None)
            snap = Snapshot(as_of, _plain([f.to_dict() for f in ev.flags]), _plain([p.to_dict() for p in ev.paths]),
                            getattr(ev, "run_id", None), bool(getattr(ev, "reused", False)),
                            G=G if isinstance(G, nx.MultiDiGraph) else None)
            snap.ev, snap.db = ev, self.db
            snap.seconds = round(time.perf_counter() - t0, 3)
            self.log.append({"as_of": as_of, "cached": snap.cached, "seconds": snap.seconds,
                             "run_id": snap.run_id})
            snap.graph_of = self.graph
            self._cache[as_of] = snap
        if need_graph and snap.G is None:
            snap.G = self.graph(as_of)
        return snap
