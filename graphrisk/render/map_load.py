"""Maps from a store: the graph, flags and conflict paths come from the one engine
(:func:`graphrisk.engine.evaluation`), so a map shows exactly the paths the flags cite."""
from __future__ import annotations

from typing import Mapping


from ..errors import GraphRiskError, NotFound
from ..i18n import t
from .map_page import RenderedMap
from .map_views import company_map, official_map, overview_map, path_map

__all__ = ["evaluation_for", "graph_of", "map_from_store"]


def evaluation_for(db, settings: Mapping | None = None, since: str | None = None, until: str | None = None,
                   store: bool = True):
    """The engine's evaluation of the window (stored and reused by the engine)."""
    from ..engine import evaluation

    return evaluation(db, settings=dict(settings) if settings else None, as_of=until, since=since,
                      until=until, store=store)


def graph_of(db, ev, since: str | None = None, until: str | None = None):
    """The graph of the evaluation when it carries one, else the engine's compact graph of the same window:
    the maps read it as they read networkx (``G.succ``, ``G.pred``, ...), and draw the same bytes from it
    without a networkx copy of every record."""
    G = getattr(ev, "G", None)
    if G is not None:
        return G
    from ..graph import load

    return load(db, since=since, as_of=until)


def map_from_store(db, *, official: str | None = None, company: str | None = None, path_id: str | None = None,
                   only_paths: bool = False, overview: bool = False, min_level: str = "yellow",
                   hops: int | None = None, since: str | None = None, until: str | None = None,
                   settings: Mapping | None = None, notes: list | None = None, lang: str | None = None,
                   evaluation=None) -> RenderedMap:
    """Evaluate (or reuse ``evaluation``) and render the map asked for.

    Exactly one of ``official``, ``company``, ``path_id``, ``overview``. ``notes`` (a list) receives
    sentences about what could not be shown, for the caller to print.
    """
    chosen = [x for x in (official, company, path_id, overview or None) if x]
    if len(chosen) != 1:
        raise GraphRiskError("choose exactly one of official, company, path or overview")
    notes = notes if notes is not None else []
    ev = evaluation or evaluation_for(db, settings, since, until)
    G = graph_of(db, ev, since, until)
    levels = {f.official_id: f.level for f in ev.flags}
    scores = {f.official_id: float(f.score) for f in ev.flags}
    kw = dict(levels=levels, scores=scores, settings=settings, lang=lang)
    if official:
        if official not in G or G.nodes[official].get("kind") != "official":
            raise NotFound(f"no official with id '{official}' in the store")
        return official_map(G, official, hops=hops, paths=ev.paths, only_paths=only_paths, **kw)
    if company:
        return company_map(G, company, hops=hops, paths=ev.paths, **kw)
    if path_id:
        found = [p for p in ev.paths if p.path_id == path_id]
        if not found:
            raise NotFound(f"no conflict path '{path_id}' in the store (in this time window)")
        return path_map(G, found[0], hops=hops if hops is not None else 1, **kw)
    if not any(f.level != "green" for f in ev.flags):
        notes.append(t("maps.note.no_flagged", lang))
    return overview_map(G, levels, min_level=min_level, paths=ev.paths, scores=scores, settings=settings, lang=lang)
