"""Risk levels and conflict paths as of a date, from the one engine (:func:`graphrisk.engine.evaluation`),
which reuses an evaluation stored for the same data, settings and date and stores a new one, so the
report, ``graphrisk flags --as-of`` and the maps share them.

The graph for centrality (movers) is read once as of the latest date and filtered for earlier dates
(:func:`graph_as_of`), which is exactly what ``build_graph(db, as_of=earlier)`` would read.
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
            from ..engine import evaluation

            t0 = time.perf_counter()
            ev = evaluation(self.db, settings=self.settings, as_of=as_of, store=self.store_runs)
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
