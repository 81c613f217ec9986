"""The maps themselves: :func:`render_map` and the four views (official, company, path, overview), from a
graph and the paths and levels to show. How a map is made is described in :mod:`graphrisk.render.maps`."""
from __future__ import annotations

from collections import defaultdict
from typing import Mapping, Sequence

import networkx as nx

from .. import schema
from ..errors import GraphRiskError, NotFound
from ..findings import LEVEL_RANK, LEVELS, ConflictPath
from ..i18n import current_lang, fmt_date, t
from . import map_data as md
from .map_data import collapse_edges, hop_distances, select_nodes
from .map_page import RenderedMap, date_bounds, initial_layout, omitted_note, page_html

__all__ = ["render_map", "official_map", "company_map", "path_map", "overview_map"]


def _map_settings(settings: Mapping | None) -> dict:
    if settings is None:
        from .. import settings as settings_mod

        settings = settings_mod.defaults()
    return dict(settings.get("map", {}))


def _centrality(G: nx.MultiDiGraph, nodes: Sequence, measure: str, settings: Mapping | None) -> tuple[dict, str]:
    """Centrality of ``nodes`` and the measure used: degree (records touching the node), or a measure of
    ``graphrisk.analysis.centrality`` computed on the whole graph (degree if that fails)."""
    if measure != "degree":
        try:
            from ..analysis import centrality as cmod

            res = cmod.compute(G, [measure], settings=dict(settings) if settings else None)
            values = res[measure]
            return {n: float(values.get(n, 0.0) or 0.0) for n in nodes}, measure
        except Exception:  # noqa: BLE001 - the map still renders, sized by degree, and says so
            pass
    return {n: float(G.degree(n)) for n in nodes}, "degree"


def render_map(G: nx.MultiDiGraph, candidates: Mapping, *, focus: Sequence = (),
               paths: Sequence[ConflictPath] = (), levels: Mapping[str, str] | None = None,
               scores: Mapping[str, float] | None = None, title: str = "graphrisk", subtitle: str = "",
               mode: str = "custom", reason: str = "", centrality: Mapping | None = None,
               settings: Mapping | None = None, max_nodes: int | None = None, lang: str | None = None,
               collapse_hubs: bool = True, timeline=None) -> RenderedMap:
    """Render the map of ``candidates`` (node → hop distance from the focus) as a self-contained page.

    ``paths`` are drawn on top and explained in the side panel (their nodes are always kept);
    ``levels`` (official id → red/orange/yellow/green) colour the officials' rings. At most ``max_nodes``
    (default ``[map] max_nodes``) nodes are kept, ranked by :func:`select_nodes`; hubs other than the
    focus are collapsed (``collapse_hubs``). The result is the same bytes for the same inputs.
    """
    m = _map_settings(settings)
    lang = lang or current_lang()
    levels, scores = dict(levels or {}), dict(scores or {})
    cap = int(max_nodes if max_nodes is not None else m.get("max_nodes", 150))
    measure = str(m.get("centrality", "degree"))
    paths = sorted(paths, key=lambda p: (-float(p.score), p.path_id))
    path_nodes = [n for n in md.path_node_list(paths) if n in G]
    candidates = dict(candidates)
    for n in path_nodes:
        candidates.setdefault(n, min((candidates.get(x, 0) for x in focus if x in candidates), default=0) + 1)
    candidates = {n: d for n, d in candidates.items() if n in G}
    if centrality is None:
        centrality, measure = _centrality(G, list(candidates), measure, settings)
    kept, left_out = select_nodes(candidates, focus=[f for f in focus if f in G], path_nodes=path_nodes,
                                  centrality=centrality, cap=cap)
    kept_set = set(kept)
    omitted_records = 0
    if left_out:
        cand = set(candidates)
        for n in left_out:
            omitted_records += sum(len(k) for nb, k in G.succ[n].items() if nb in cand)
            omitted_records += sum(len(k) for nb, k in G.pred[n].items() if nb in kept_set)

    path_edge_index: dict[tuple, list[str]] = defaultdict(list)
    for p in paths:
        for e in p.edges:
            path_edge_index[(e.kind, str(e.record_id))].append(p.path_id)
    focus_set = set(focus)
    hub_n = int(m.get("hub_neighbours", 25))
    hubs = [n for n in kept if collapse_hubs and n not in focus_set and md.is_hub(G, n, hub_n)]
    hidden, expand = md.hub_expansions(G, kept, hubs, per_hub=int(m.get("hub_expand", 60)), levels=levels,
                                       scores=scores, lang=lang, path_edge_index=path_edge_index,
                                       budget=int(m.get("hub_expand_total", 400)))
    groups = collapse_edges(G, kept)
    nodes = md.build_nodes(G, kept, candidates, levels, scores, centrality, measure, focus, path_nodes, lang,
                           hidden=hidden)
    pos = initial_layout(kept, groups, seed=int(m.get("seed", 42)))
    for n, node in zip(kept, nodes):
        if n in pos:
            node["x"], node["y"] = pos[n]
    edges = md.build_edges(G, groups, path_edge_index, lang)
    edge_of_record = {(e["kind"], r["id"]): e["id"] for e in edges for r in e["records"]}
    path_dicts = []
    for p in paths:
        eids = [edge_of_record[(pe.kind, str(pe.record_id))] for pe in p.edges
                if (pe.kind, str(pe.record_id)) in edge_of_record]
        shown = all(n in kept_set for n in p.nodes) and len(eids) == len(p.edges)
        path_dicts.append(md.path_dict(G, p, eids, shown, lang))

    from .search_keys import char_folds, search_index

    extra_nodes = [n for x in expand.values() for n in x["nodes"]]
    extra_edges = [e for x in expand.values() for e in x["edges"]]
    search = search_index(nodes, edges + extra_edges, extra_nodes)
    folds = char_folds(n["name"] for n in nodes + extra_nodes)

    records = sum(e["count"] for e in edges)
    note = omitted_note(len(candidates), len(kept), left_out, G, omitted_records, cap, reason, lang)
    window = {k: G.graph.get(k) for k in ("since", "until", "as_of") if G.graph.get(k)}
    summary = {"nodes": len(nodes), "edges": len(edges), "records": records, "omitted": len(left_out),
               "omitted_records": omitted_records, "candidates": len(candidates), "cap": cap,
               "paths": len(path_dicts), "mode": mode, "focus": [str(f) for f in focus],
               "window": window, "data_version": G.graph.get("data_version"), "hubs": len(hidden),
               "hidden": sum(hidden.values()), "lang": lang}
    meta = {**summary, "title": title, "subtitle": subtitle, "note": note, "dates": date_bounds(edges),
            "centrality": measure, "centrality_label": t(f"maps.measure.{measure}", lang)
            if measure in ("degree", "pagerank", "betweenness", "eigenvector", "closeness", "brokerage") else measure}
    html = page_html(nodes=nodes, edges=edges, meta=meta, paths=path_dicts, expand=expand, search=search,
                     folds=folds, timeline=timeline, settings=m, lang=lang)
    return RenderedMap(html=html, summary=summary)


# ------------------------------------------------------------------ the four maps

def _require(G, node_id, kind: str | tuple[str, ...]):
    kinds = (kind,) if isinstance(kind, str) else kind
    if node_id not in G or G.nodes[node_id].get("kind") not in kinds:
        raise NotFound(f"no {' or '.join(kinds)} with id '{node_id}' in the store")


def _window_text(G, lang: str) -> str:
    s, u = G.graph.get("since"), G.graph.get("until") or G.graph.get("as_of")
    if s or u:
        return t("maps.window.range", lang, start=fmt_date(s, lang) or "…", end=fmt_date(u, lang) or "…")
    return t("maps.window.all", lang)


def _private_ties(G, n) -> set:
    """Neighbours of ``n`` over private ties (benefits and ties, not decisions or memberships)."""
    out = set()
    for nbrs in (G.succ[n], G.pred[n]):
        for m, keyed in nbrs.items():
            if any(getattr(schema.EDGE_KINDS.get(d.get("kind")), "role", None) in md.PRIVATE_ROLES
                   for d in keyed.values()):
                out.add(m)
    return out


def official_map(G: nx.MultiDiGraph, official_id: str, *, hops: int | None = None,
                 paths: Sequence[ConflictPath] = (), levels: Mapping[str, str] | None = None,
                 scores: Mapping[str, float] | None = None, only_paths: bool = False,
                 settings: Mapping | None = None, max_nodes: int | None = None, lang: str | None = None,
                 timeline: bool = True) -> RenderedMap:
    """An official's map: by default the official, their conflict paths, their direct private ties and
    their units (collapsed); with ``hops`` their neighbourhood to that many hops (not through hubs); with
    ``only_paths`` the paths alone. The timeline of their records sits under the map."""
    _require(G, official_id, "official")
    lang = lang or current_lang()
    m = _map_settings(settings)
    paths = [p for p in paths if p.official_id == official_id]
    name = G.nodes[official_id].get("name") or official_id
    hub_n = int(m.get("hub_neighbours", 25))
    if hops is not None and not only_paths:
        dist = hop_distances(G, [official_id], int(hops), stop=lambda n: md.is_hub(G, n, hub_n))
        scope = t("maps.scope.hops", lang, n=int(hops))
    else:
        dist = {official_id: 0}
        if not only_paths:
            for nb in _private_ties(G, official_id):
                dist.setdefault(nb, 1)
            units = [G.nodes[official_id].get("unit_id")] + [v for v, k in G.succ[official_id].items()
                                                             if any(d.get("kind") == "member_of" for d in k.values())]
            for u in units:
                if u in G:
                    dist.setdefault(u, 1)
        scope = t("maps.scope.paths" if only_paths else "maps.scope.direct", lang)
    mode = "official-paths" if only_paths else "official"
    title = t("maps.title.official_paths" if only_paths else "maps.title.official", lang, name=name, id=official_id)
    sub = t("maps.subtitle", lang, scope=scope, window=_window_text(G, lang), paths=len(paths))
    svg = None
    if timeline:
        from .timeline import timeline_events, timeline_svg

        events, undated = timeline_events(G, official_id, paths, lang)
        svg = {"svg": timeline_svg(events, lang), "events": len(events), "undated": undated}
    return render_map(G, dist, focus=[official_id], paths=paths, levels=levels, scores=scores, title=title,
                      subtitle=sub, mode=mode, reason=scope, settings=settings, max_nodes=max_nodes, lang=lang,
                      timeline=svg)


def company_map(G: nx.MultiDiGraph, company_id: str, *, hops: int | None = None,
                paths: Sequence[ConflictPath] = (), levels: Mapping[str, str] | None = None,
                scores: Mapping[str, float] | None = None, settings: Mapping | None = None,
                max_nodes: int | None = None, lang: str | None = None) -> RenderedMap:
    """Who in government is tied to a company: its network to ``hops`` (not through hubs), its paths on top."""
    _require(G, company_id, ("company", "person", "organisation", "public_body"))
    lang = lang or current_lang()
    m = _map_settings(settings)
    hops = int(hops if hops is not None else m.get("hops", 2))
    paths = [p for p in paths if p.company_id == company_id]
    hub_n = int(m.get("hub_neighbours", 25))
    dist = hop_distances(G, [company_id], hops, stop=lambda n: md.is_hub(G, n, hub_n))
    name = G.nodes[company_id].get("name") or company_id
    scope = t("maps.scope.hops", lang, n=hops)
    return render_map(G, dist, focus=[company_id], paths=paths, levels=levels, scores=scores,
                      title=t("maps.title.company", lang, name=name, id=company_id),
                      subtitle=t("maps.subtitle", lang, scope=scope, window=_window_text(G, lang), paths=len(paths)),
                      mode="company", reason=scope, settings=settings, max_nodes=max_nodes, lang=lang)


def path_map(G: nx.MultiDiGraph, path: ConflictPath, *, hops: int = 1, levels: Mapping[str, str] | None = None,
             scores: Mapping[str, float] | None = None, settings: Mapping | None = None,
             max_nodes: int | None = None, lang: str | None = None) -> RenderedMap:
    """One conflict path highlighted on its surroundings (``hops`` around each of its nodes, not through hubs)."""
    lang = lang or current_lang()
    nodes = [n for n in [path.official_id, *path.nodes, path.company_id] if n in G]
    if not nodes:
        raise NotFound(f"the nodes of path {path.path_id} are not in the graph")
    hub_n = int(_map_settings(settings).get("hub_neighbours", 25))
    dist = hop_distances(G, nodes, hops, stop=lambda n: md.is_hub(G, n, hub_n))
    oname = G.nodes[path.official_id].get("name") if path.official_id in G else path.official_id
    cname = G.nodes[path.company_id].get("name") if path.company_id in G else path.company_id
    scope = t("maps.scope.around_path", lang, n=hops)
    return render_map(G, dist, focus=[path.official_id, path.company_id], paths=[path], levels=levels,
                      scores=scores, title=t("maps.title.path", lang, id=path.path_id, official=oname, company=cname),
                      subtitle=t("maps.subtitle_path", lang, score=f"{path.score:.0f}", scope=scope,
                                 window=_window_text(G, lang)),
                      mode="path", reason=scope, settings=settings, max_nodes=max_nodes, lang=lang)


def overview_map(G: nx.MultiDiGraph, levels: Mapping[str, str], *, min_level: str = "yellow",
                 paths: Sequence[ConflictPath] = (), scores: Mapping[str, float] | None = None,
                 settings: Mapping | None = None, max_nodes: int | None = None, lang: str | None = None) -> RenderedMap:
    """The flagged officials (level ≥ ``min_level``) and the companies on their conflict paths (with the people
    and units the paths pass through, units collapsed), nothing else."""
    if min_level not in LEVEL_RANK:
        raise GraphRiskError(f"unknown level '{min_level}' (one of {', '.join(LEVELS)})")
    lang = lang or current_lang()
    floor = LEVEL_RANK[min_level]
    scores = dict(scores or {})
    flagged = sorted((o for o, lvl in levels.items() if LEVEL_RANK.get(lvl, -1) >= floor and o in G),
                     key=lambda o: (-LEVEL_RANK[levels[o]], -scores.get(o, 0.0), str(o)))
    fset = set(flagged)
    paths = [p for p in paths if p.official_id in fset]
    cand = {o: 0 for o in flagged}
    for n in md.path_node_list(paths):
        if n in G:
            cand.setdefault(n, 1)
    lvl_word = t(f"common.levels.{min_level}", lang)
    title = t("maps.title.overview", lang, level=lvl_word)
    sub = t("maps.subtitle_overview", lang, n=len(flagged), window=_window_text(G, lang), paths=len(paths))
    return render_map(G, cand, focus=flagged, paths=paths, levels=levels, scores=scores, title=title,
                      subtitle=sub, mode="overview", reason=t("maps.scope.overview", lang), settings=settings,
                      max_nodes=max_nodes, lang=lang)
