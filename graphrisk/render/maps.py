"""Interactive, self-contained HTML maps of the graph for investigators.

Library first: every function takes the graph (and the paths and risk
levels it should show) as arguments and returns a :class:`RenderedMap`;
:func:`map_from_store` is the glue the CLI and the demo use to fetch them.

How a map is made:

1. choose the candidate nodes (a neighbourhood, a path's surroundings, the
   flagged officials) and rank them by relevance: focus nodes, path nodes,
   then hop distance, then centrality;
2. keep at most ``[map] max_nodes`` of them and count what was left out;
3. collapse parallel records of one kind between two nodes into one edge
   carrying the count, the sums and every record (id, date, amount, source
   file and row);
4. fill a pyvis ``Network`` directly (``net.nodes`` / ``net.edges``; never
   ``from_nx``), let pyvis render our own autoescaping template with
   ``generate_html()`` (never ``write_html``, which writes a ``lib/``
   folder), with vis-network and our script inlined and every data value
   embedded as escaped JSON that the page turns into text nodes.

The page exposes ``window.graphriskMap`` (see ``assets/map.js``) and data
attributes on ``<body>`` for tests and scripts.
"""
from __future__ import annotations

import functools
import json
import math
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import jinja2
import networkx as nx

from .. import schema
from ..errors import GraphRiskError, NotFound
from ..findings import LEVEL_RANK, LEVELS, ConflictPath
from . import html as h

__all__ = ["RenderedMap", "render_map", "official_map", "company_map", "path_map", "overview_map",
           "map_from_store", "LEVEL_COLORS", "select_nodes", "collapse_edges"]

LEVEL_COLORS = {"red": "#d62728", "orange": "#ff7f0e", "yellow": "#e6b800", "green": "#2ca02c"}
LEVEL_LABELS = {"red": "Red: priority attention", "orange": "Orange", "yellow": "Yellow", "green": "Green"}
PATH_GLOW = "rgba(227,26,28,0.9)"
LABEL_MAX = 10  # characters of a node label; the full name is in the tooltip
RECORDS_IN_TOOLTIP = 8


@dataclass
class RenderedMap:
    """The HTML of one map and the summary it announces on the page."""

    html: str
    summary: dict = field(default_factory=dict)

    def write(self, path: str | Path) -> Path:
        """Write the file (UTF-8, creating parent folders); nothing else is written anywhere."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.html, encoding="utf-8", newline="\n")
        return p


# ------------------------------------------------------------------ settings

def _map_settings(settings: Mapping | None) -> dict:
    if settings is None:
        from .. import settings as settings_mod

        settings = settings_mod.defaults()
    return dict(settings.get("map", {}))


# ------------------------------------------------------------------ selection

def _neighbours(G: nx.MultiDiGraph, n) -> Iterable:
    yield from G.succ[n]
    yield from G.pred[n]


def hop_distances(G: nx.MultiDiGraph, sources: Iterable, hops: int) -> dict:
    """Undirected hop distance from the nearest source, up to ``hops``."""
    dist = {s: 0 for s in sources if s in G}
    queue = deque(dist)
    while queue:
        n = queue.popleft()
        d = dist[n]
        if d >= hops:
            continue
        for m in _neighbours(G, n):
            if m not in dist:
                dist[m] = d + 1
                queue.append(m)
    return dist


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


def select_nodes(candidates: Mapping, *, focus: Sequence = (), path_nodes: Sequence = (),
                 centrality: Mapping | None = None, cap: int | None = None) -> tuple[list, list]:
    """Rank ``candidates`` (node → hop distance) and keep at most ``cap``: (kept, left out).

    Order: the focus nodes, then path nodes, then by hop distance, then by
    centrality (highest first), then by id, so the choice is deterministic.
    """
    centrality = centrality or {}
    first = []
    for n in list(focus) + list(path_nodes):
        if n in candidates and n not in first:
            first.append(n)
    firsts = set(first)
    rest = sorted((n for n in candidates if n not in firsts),
                  key=lambda n: (candidates[n], -centrality.get(n, 0.0), str(n)))
    ranked = first + rest
    if cap is None or cap <= 0 or len(ranked) <= cap:
        return ranked, []
    return ranked[:cap], ranked[cap:]


# ------------------------------------------------------------------ edges

def _num(x):
    if x is None or x == "":
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def collapse_edges(G: nx.MultiDiGraph, nodes: Iterable) -> list[dict]:
    """Parallel records of one kind from one node to another, as one group each.

    Returns groups ``{"from", "to", "kind", "records": [edge data with "key"], "count", "sums",
    "total", "dmin", "dmax"}`` in a deterministic order.
    """
    keep = set(nodes)
    groups: dict[tuple, dict] = {}
    for u in keep:
        for v, keyed in G.succ[u].items():
            if v not in keep:
                continue
            for key, d in keyed.items():
                kind = d.get("kind", "?")
                g = groups.get((u, v, kind))
                if g is None:
                    g = groups[(u, v, kind)] = {"from": u, "to": v, "kind": kind, "records": []}
                g["records"].append({"key": key, **d})
    out = []
    for (u, v, kind), g in sorted(groups.items(), key=lambda it: (str(it[0][0]), str(it[0][1]), it[0][2])):
        recs = sorted(g["records"], key=lambda r: (str(r.get("date") or ""), str(r["key"])))
        sums: dict[str, float] = defaultdict(float)
        total = 0.0
        for r in recs:
            a = _num(r.get("amount"))
            if a is not None:
                sums[r.get("currency") or ""] += a
                total += a
        dates = [str(r["date"]) for r in recs if r.get("date")]
        out.append({**g, "records": recs, "count": len(recs), "sums": dict(sorted(sums.items())),
                    "total": total, "dmin": min(dates) if dates else None, "dmax": max(dates) if dates else None,
                    "undated": any(not r.get("date") for r in recs)})
    return out


def _fmt_amount(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):,}"


def _fmt_sums(sums: Mapping[str, float]) -> str:
    return "; ".join(f"{_fmt_amount(v)} {c}".strip() for c, v in sums.items())


def _short(name: str, n: int = LABEL_MAX) -> str:
    name = " ".join(str(name).split())
    return name if len(name) <= n else name[: n - 1] + "…"


@functools.lru_cache(maxsize=4096)
def _basename(path: str) -> str:
    return Path(path).name


def _source(d: Mapping) -> str | None:
    src = d.get("source")
    if not src and d.get("row") is None:
        return None
    base = _basename(str(src)) if src else "?"
    return f"{base}:{d.get('row')}" if d.get("row") is not None else base


_RECORD_EXTRA = ("relation", "share_pct", "end_date", "evidence_source", "channel", "location", "method", "title",
                 "description", "declared", "destination", "purpose")


def _record_row(d: Mapping) -> dict:
    """One record of an edge for the page: id, date, amount, details, provenance."""
    extra = []
    for k in _RECORD_EXTRA:
        v = d.get(k)
        if v not in (None, ""):
            extra.append(f"{k}: {v}")
    amount = _num(d.get("amount"))
    return {"id": str(d.get("record_id") or d.get("key")), "date": d.get("date"),
            "amount": f"{_fmt_amount(amount)} {d.get('currency') or ''}".strip() if amount is not None else None,
            "extra": "; ".join(extra) or None, "source": _source(d), "path": d.get("source"),
            "batch": d.get("batch")}


# ------------------------------------------------------------------ nodes

def _node_info(G, n, d, level, score, hop, cent, measure) -> list[list[str]]:
    kind = d.get("kind", "?")
    rows = [["Kind", schema.NODE_KINDS.get(kind, {}).get("label", kind)], ["ID", str(n)],
            ["Name", str(d.get("name") or n)]]
    if kind == "official":
        unit = d.get("unit_id")
        if unit:
            uname = G.nodes[unit].get("name") if unit in G else None
            rows.append(["Unit", f"{uname} ({unit})" if uname else str(unit)])
        for label, key in (("Position", "position"), ("Rank", "rank")):
            if d.get(key):
                rows.append([label, str(d[key])])
        if level:
            rows.append(["Risk level", level + (f" (score {score:.0f})" if score is not None else "")])
    for label, key in (("Parent unit", "parent_id"), ("Region", "region"), ("Sector", "sector"),
                       ("Registration no", "registration_no"), ("Note", "note")):
        if d.get(key):
            rows.append([label, str(d[key])])
    rows.append([f"Centrality ({measure})", f"{cent:g}"])
    if hop is not None:
        rows.append(["Hops from focus", str(hop)])
    src = _source(d)
    if src:
        rows.append(["Source", src + (f" (batch {d.get('batch')})" if d.get("batch") is not None else "")])
    return rows


def _build_nodes(G, kept, dist, levels, scores, cent, measure, focus, path_nodes) -> list[dict]:
    cmax = max((cent.get(n, 0.0) for n in kept), default=0.0) or 1.0
    focus, path_nodes = set(focus), set(path_nodes)
    out = []
    for n in kept:
        d = G.nodes[n]
        kind = d.get("kind", "person")
        nk = schema.NODE_KINDS.get(kind, {"shape": "dot", "color": "#999999"})
        level = levels.get(n) if kind == "official" else None
        c = nk["color"]
        ring = LEVEL_COLORS.get(level, c)
        size = 10 + 22 * math.sqrt(max(cent.get(n, 0.0), 0.0) / cmax)
        if n in focus:
            size = max(size, 26)
        node = {"id": str(n), "label": _short(d.get("name") or n), "shape": nk["shape"], "kind": kind,
                "name": str(d.get("name") or n), "level": level, "hop": dist.get(n), "size": round(size, 2),
                "borderWidth": 5 if level else 1, "borderWidthSelected": 6 if level else 3,
                "color": {"background": c, "border": ring,
                          "highlight": {"background": c, "border": "#000000"},
                          "hover": {"background": c, "border": "#000000"}},
                "info": _node_info(G, n, d, level, scores.get(n), dist.get(n), round(cent.get(n, 0.0), 4),
                                   measure),
                "focus": n in focus, "onPath": n in path_nodes}
        if n in focus:
            node["font"] = {"size": 18, "strokeWidth": 3, "strokeColor": "#ffffff"}
        if n in path_nodes:
            node["shadow"] = {"enabled": True, "color": PATH_GLOW, "size": 18, "x": 0, "y": 0}
        out.append(node)
    return out


# ------------------------------------------------------------------ edges for the page

def _edge_width(total: float, count: int) -> float:
    w = 1.5
    if total > 0:
        w += 1.1 * max(0.0, math.log10(total) - 2.5)
    w += min(2.0, math.log2(count) * 0.6) if count > 1 else 0
    return round(min(w, 12.0), 2)


def _build_edges(G, groups, path_edge_index) -> list[dict]:
    pair_count: dict[frozenset, int] = defaultdict(int)
    out = []
    for i, g in enumerate(groups):
        ek = schema.EDGE_KINDS.get(g["kind"])
        color = ek.color if ek else "#999999"
        label = ek.label if ek else g["kind"]
        pair = frozenset((g["from"], g["to"]))
        nth = pair_count[pair]
        pair_count[pair] += 1
        records = [_record_row(r) for r in g["records"]]
        paths = sorted({pid for r in g["records"] for pid in path_edge_index.get((g["kind"], str(r.get("record_id"))), ())})
        from_name = G.nodes[g["from"]].get("name") or g["from"]
        to_name = G.nodes[g["to"]].get("name") or g["to"]
        info = [["Kind", label], ["From", f"{from_name} ({g['from']})"], ["To", f"{to_name} ({g['to']})"],
                ["Records", str(g["count"])]]
        if g["sums"]:
            info.append(["Total", _fmt_sums(g["sums"])])
        if g["dmin"]:
            info.append(["Dates", g["dmin"] if g["dmin"] == g["dmax"] else f"{g['dmin']} to {g['dmax']}"])
        if paths:
            info.append(["On conflict paths", ", ".join(paths)])
        e = {"id": f"e{i}", "from": str(g["from"]), "to": str(g["to"]), "kind": g["kind"], "count": g["count"],
             "total": g["total"], "dmin": g["dmin"], "dmax": g["dmax"], "undated": g["undated"],
             "color": {"color": color, "highlight": color, "hover": color, "opacity": 1.0},
             "dashes": bool(ek.dashes) if ek else False, "width": _edge_width(g["total"], g["count"]),
             "arrows": "to", "info": info, "records": records, "paths": paths}
        if g["count"] > 1:
            e["label"] = f"×{g['count']}"
        if nth:
            e["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": round(0.15 * nth, 2)}
        if paths:
            e["width"] = round(e["width"] + 3, 2)
            e["shadow"] = {"enabled": True, "color": PATH_GLOW, "size": 14, "x": 0, "y": 0}
        out.append(e)
    # conflict paths are drawn on top: vis draws later edges over earlier ones
    out.sort(key=lambda e: bool(e["paths"]))
    return out


# ------------------------------------------------------------------ paths

def _path_dict(G, p: ConflictPath, edge_ids: list[str], shown: bool) -> dict:
    def name(n):
        return str(G.nodes[n].get("name") or n) if n in G else str(n)

    recs = []
    for e in p.edges:
        ek = schema.EDGE_KINDS.get(e.kind)
        bits = [ek.label if ek else e.kind, e.record_id, f"{name(e.source)} → {name(e.target)}"]
        if e.date:
            bits.append(str(e.date))
        if e.amount is not None:
            bits.append(f"{_fmt_amount(float(e.amount))} {e.currency or ''}".strip())
        if e.source_file or e.row is not None:
            bits.append(f"{Path(str(e.source_file)).name if e.source_file else '?'}:{e.row}")
        recs.append(" · ".join(bits))
    return {"id": p.path_id, "official": str(p.official_id), "company": str(p.company_id),
            "title": f"{name(p.official_id)} → {name(p.company_id)}", "score": round(float(p.score), 2),
            "hops": p.hops, "gap_days": p.gap_days, "explanation": p.explanation,
            "nodes": [str(n) for n in p.nodes], "edges": edge_ids, "records": recs, "shown": shown,
            "approved_personally": bool(p.approved_personally)}


def _path_node_list(paths: Sequence[ConflictPath]) -> list:
    out = []
    for p in sorted(paths, key=lambda p: (-float(p.score), p.path_id)):
        for n in [p.official_id, *p.nodes, p.company_id, p.unit_id]:
            if n is not None and n not in out:
                out.append(n)
    return out


# ------------------------------------------------------------------ the page

def _env(context: dict) -> jinja2.Environment:
    """A fresh autoescaping environment for one render (its globals carry this map's context)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("graphrisk.render", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["script_json"] = h.json_for_script
    env.filters["from_json"] = json.loads
    env.filters["text"] = h.text
    env.globals["gr"] = context
    return env


def initial_layout(nodes: Sequence, groups: Sequence[dict], seed: int = 42,
                   spring_length: float = 110.0) -> dict:
    """Starting positions (node → (x, y)) from igraph's Fruchterman-Reingold, scaled to vis-network's
    spring length, so the browser only refines the layout (physics on 2,000 nodes from random
    positions takes far too long). Deterministic for a given seed; empty if igraph is missing."""
    if len(nodes) < 2:
        return {}
    try:
        import random

        import igraph as ig
    except ImportError:
        return {}
    idx = {n: i for i, n in enumerate(nodes)}
    pairs = sorted({(min(idx[g["from"]], idx[g["to"]]), max(idx[g["from"]], idx[g["to"]])) for g in groups
                    if g["from"] != g["to"]})
    g = ig.Graph(n=len(nodes), edges=pairs)
    rng = random.Random(seed)
    r = math.sqrt(len(nodes))
    start = [[rng.uniform(-r, r), rng.uniform(-r, r)] for _ in nodes]
    ig.set_random_number_generator(random.Random(seed))
    try:
        # a rough start is enough: vis-network's physics refines it in the browser (250 iterations
        # cost half of 500 and the pages stabilised as fast in the map benchmark)
        coords = g.layout_fruchterman_reingold(seed=start, niter=250 if len(nodes) <= 2000 else 150,
                                               grid="auto").coords
    finally:
        ig.set_random_number_generator(random)
    lengths = [math.dist(coords[a], coords[b]) for a, b in pairs]
    mean = (sum(lengths) / len(lengths)) if lengths else 1.0
    f = spring_length / mean if mean > 0 else 1.0
    return {n: (round(coords[i][0] * f, 1), round(coords[i][1] * f, 1)) for n, i in idx.items()}


def _iterations(n_nodes: int, m: Mapping) -> int:
    """Physics iterations before freezing: the setting up to ``large_map_nodes / 2`` nodes, then fewer
    (the layout starts from :func:`initial_layout`, so the browser only refines it)."""
    iterations = int(m.get("stabilization_iterations", 300))
    knee = max(1, int(m.get("large_map_nodes", 1000)) // 2)
    if n_nodes > knee:
        iterations = max(30, int(iterations * knee / n_nodes))
    return iterations


def _vis_options(n_nodes: int, m: Mapping) -> dict:
    iterations = _iterations(n_nodes, m)
    big = n_nodes > int(m.get("large_map_nodes", 1000))
    return {
        "autoResize": True,
        "nodes": {"font": {"face": h.FONT_STACK, "size": 14, "color": "#1b1b1b", "strokeWidth": 2,
                           "strokeColor": "#ffffff"}, "scaling": {"label": {"enabled": False}}},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
                  "font": {"face": h.FONT_STACK, "size": 11, "align": "middle", "strokeWidth": 3},
                  "selectionWidth": 2, "hoverWidth": 0.5},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "keyboard": False, "multiselect": True},
        "physics": {"enabled": n_nodes > 0, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.008,
                                         "springLength": 110, "springConstant": 0.06, "damping": 0.5,
                                         "avoidOverlap": 0.2},
                    "minVelocity": 1.0, "maxVelocity": 60, "timestep": 0.4, "adaptiveTimestep": not big,
                    "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 20,
                                      "fit": True}},
        "layout": {"randomSeed": int(m.get("seed", 42)), "improvedLayout": n_nodes <= 150},
    }


def _legend(nodes: list[dict], edges: list[dict]) -> dict:
    nkinds = sorted({n["kind"] for n in nodes}, key=lambda k: list(schema.NODE_KINDS).index(k)
                    if k in schema.NODE_KINDS else 99)
    ekinds = sorted({e["kind"] for e in edges}, key=lambda k: list(schema.EDGE_KINDS).index(k)
                    if k in schema.EDGE_KINDS else 99)
    levels = [lvl for lvl in reversed(LEVELS) if any(n.get("level") == lvl for n in nodes)]
    ecount: dict[str, int] = defaultdict(int)
    for e in edges:
        ecount[e["kind"]] += e["count"]
    return {
        "nodes": [{"kind": k, "label": schema.NODE_KINDS.get(k, {}).get("label", k),
                   "shape": schema.NODE_KINDS.get(k, {}).get("shape", "dot"),
                   "color": schema.NODE_KINDS.get(k, {}).get("color", "#999999")} for k in nkinds],
        "edges": [{"kind": k, "label": schema.EDGE_KINDS[k].label if k in schema.EDGE_KINDS else k,
                   "color": schema.EDGE_KINDS[k].color if k in schema.EDGE_KINDS else "#999999",
                   "dashes": bool(schema.EDGE_KINDS[k].dashes) if k in schema.EDGE_KINDS else False,
                   "records": ecount[k]} for k in ekinds],
        "levels": [{"level": lvl, "label": LEVEL_LABELS[lvl], "color": LEVEL_COLORS[lvl]} for lvl in levels],
    }


def _omitted_note(total: int, kept: int, left_out: Sequence, G, omitted_records: int, cap: int | None,
                  reason: str) -> str | None:
    if not left_out:
        return None
    by_kind: dict[str, int] = defaultdict(int)
    for n in left_out:
        by_kind[G.nodes[n].get("kind", "?")] += 1
    kinds = ", ".join(f"{c:,} {schema.NODE_KINDS.get(k, {}).get('label', k).lower()}"
                      f"{'s' if c != 1 and not k.endswith('s') else ''}"
                      for k, c in sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0])))
    return (f"Showing {kept:,} of {total:,} nodes {reason}: the node cap ([map] max_nodes = {cap:,}) left out "
            f"{len(left_out):,} nodes ({kinds}) and the {omitted_records:,} records that touch them, keeping "
            f"the focus, the conflict paths, then the nearest and most connected nodes. Narrow the map "
            f"(--hops, --since/--until) or raise the cap to see them.")


def render_map(G: nx.MultiDiGraph, candidates: Mapping, *, focus: Sequence = (),
               paths: Sequence[ConflictPath] = (), levels: Mapping[str, str] | None = None,
               scores: Mapping[str, float] | None = None, title: str = "graphrisk map", subtitle: str = "",
               mode: str = "custom", reason: str = "", centrality: Mapping | None = None,
               settings: Mapping | None = None, max_nodes: int | None = None) -> RenderedMap:
    """Render the map of ``candidates`` (node → hop distance from the focus) as a self-contained page.

    ``paths`` are drawn on top and explained in the side panel (their nodes are
    always kept, even if not among the candidates); ``levels`` (official id →
    red/orange/yellow/green) colour the officials' rings. At most ``max_nodes``
    (default ``[map] max_nodes``) nodes are kept, ranked by :func:`select_nodes`.
    The result is the same bytes for the same inputs.
    """
    m = _map_settings(settings)
    levels = dict(levels or {})
    scores = dict(scores or {})
    cap = int(max_nodes if max_nodes is not None else m.get("max_nodes", 800))
    measure = str(m.get("centrality", "degree"))
    paths = sorted(paths, key=lambda p: (-float(p.score), p.path_id))
    path_nodes = [n for n in _path_node_list(paths) if n in G]
    candidates = dict(candidates)
    for n in path_nodes:
        candidates.setdefault(n, min((candidates.get(x, 0) for x in focus if x in candidates), default=0) + 1)
    candidates = {n: d for n, d in candidates.items() if n in G}
    if centrality is None:
        centrality, measure = _centrality(G, list(candidates), measure, settings)
    kept, left_out = select_nodes(candidates, focus=[f for f in focus if f in G], path_nodes=path_nodes,
                                  centrality=centrality, cap=cap)
    groups = collapse_edges(G, kept)
    kept_set = set(kept)
    omitted_records = 0
    if left_out:
        cand = set(candidates)
        for n in left_out:
            for nb, keyed in G.succ[n].items():
                if nb in cand:
                    omitted_records += len(keyed)
            for nb, keyed in G.pred[n].items():
                if nb in kept_set:  # left-out ↔ left-out counted once, from the successor side
                    omitted_records += len(keyed)

    # which drawn edge carries each record of each path
    path_edge_index: dict[tuple, list[str]] = defaultdict(list)
    for p in paths:
        for e in p.edges:
            path_edge_index[(e.kind, str(e.record_id))].append(p.path_id)
    nodes = _build_nodes(G, kept, candidates, levels, scores, centrality, measure, focus, path_nodes)
    pos = initial_layout(kept, groups, seed=int(m.get("seed", 42)))
    for n, node in zip(kept, nodes):
        if n in pos:
            node["x"], node["y"] = pos[n]
    edges = _build_edges(G, groups, path_edge_index)
    edge_of_record = {}
    for e in edges:
        for r in e["records"]:
            edge_of_record[(e["kind"], r["id"])] = e["id"]
    path_dicts = []
    for p in paths:
        eids = [edge_of_record[(pe.kind, str(pe.record_id))] for pe in p.edges
                if (pe.kind, str(pe.record_id)) in edge_of_record]
        shown = all(n in kept_set for n in p.nodes) and len(eids) == len(p.edges)
        path_dicts.append(_path_dict(G, p, eids, shown))

    records = sum(e["count"] for e in edges)
    note = _omitted_note(len(candidates), len(kept), left_out, G, omitted_records, cap, reason)
    window = {k: G.graph.get(k) for k in ("since", "until", "as_of") if G.graph.get(k)}
    summary = {"nodes": len(nodes), "edges": len(edges), "records": records, "omitted": len(left_out),
               "omitted_records": omitted_records, "candidates": len(candidates), "cap": cap,
               "paths": len(path_dicts), "mode": mode, "focus": [str(f) for f in focus],
               "window": window, "data_version": G.graph.get("data_version")}
    meta = {**summary, "title": title, "subtitle": subtitle, "note": note,
            "dates": _date_bounds(edges), "centrality": measure}

    # pyvis generates the page from our template: nodes and edges go in directly (from_nx is quadratic)
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="remote", heading=title)
    net.nodes = nodes
    net.edges = edges
    net.node_ids = [n["id"] for n in nodes]
    net.options = _vis_options(len(nodes), m)
    ctx = {"meta": meta, "legend": _legend(nodes, edges), "paths": path_dicts,
           "vis_js": h.vis_network_js(), "map_js": h.inline_js(h.asset_text("map.js")),
           "map_css": h.inline_css(h.asset_text("map.css").replace("/*FONT_STACK*/", h.FONT_STACK)),
           "font_stack": h.FONT_STACK}
    net.templateEnv = _env(ctx)
    net.path = "map.html"
    html = net.generate_html(name="map.html")
    problems = h.find_remote_references(html)
    if problems:  # a guard, not a expected path: every asset is neutralised above
        raise GraphRiskError(f"map would reference remote resources: {problems[:3]}")
    return RenderedMap(html=html, summary=summary)


def _date_bounds(edges: list[dict]) -> dict:
    dmins = [e["dmin"] for e in edges if e["dmin"]]
    dmaxs = [e["dmax"] for e in edges if e["dmax"]]
    return {"min": min(dmins)[:10] if dmins else None, "max": max(dmaxs)[:10] if dmaxs else None}


# ------------------------------------------------------------------ the four maps

def _require(G, node_id, kind: str | tuple[str, ...]):
    kinds = (kind,) if isinstance(kind, str) else kind
    if node_id not in G or G.nodes[node_id].get("kind") not in kinds:
        raise NotFound(f"no {' or '.join(kinds)} with id '{node_id}' in the store")


def _window_text(G) -> str:
    s, u = G.graph.get("since"), G.graph.get("until")
    if s or u:
        return f"records dated {s or '…'} to {u or '…'}"
    return "all records"


def official_map(G: nx.MultiDiGraph, official_id: str, *, hops: int | None = None,
                 paths: Sequence[ConflictPath] = (), levels: Mapping[str, str] | None = None,
                 scores: Mapping[str, float] | None = None, only_paths: bool = False,
                 settings: Mapping | None = None, max_nodes: int | None = None) -> RenderedMap:
    """An official's network to ``hops`` (default ``[map] hops``), with their conflict paths on top.

    With ``only_paths`` the map shows the paths and the official's immediate
    surroundings (``hops`` default 1) instead of the whole neighbourhood.
    """
    _require(G, official_id, "official")
    m = _map_settings(settings)
    hops = int(hops if hops is not None else (1 if only_paths else m.get("hops", 2)))
    paths = [p for p in paths if p.official_id == official_id]
    dist = hop_distances(G, [official_id], hops)
    name = G.nodes[official_id].get("name") or official_id
    if only_paths:
        title, mode = f"Conflict paths of {name} ({official_id})", "official-paths"
    else:
        title, mode = f"Network of {name} ({official_id})", "official"
    sub = f"{hops} hop{'s' if hops != 1 else ''}; {_window_text(G)}; {len(paths)} conflict path(s)"
    return render_map(G, dist, focus=[official_id], paths=paths, levels=levels, scores=scores, title=title,
                      subtitle=sub, mode=mode, reason=f"within {hops} hops", settings=settings,
                      max_nodes=max_nodes)


def company_map(G: nx.MultiDiGraph, company_id: str, *, hops: int | None = None,
                paths: Sequence[ConflictPath] = (), levels: Mapping[str, str] | None = None,
                scores: Mapping[str, float] | None = None, settings: Mapping | None = None,
                max_nodes: int | None = None) -> RenderedMap:
    """Who in government is tied to a company: its network to ``hops``, its conflict paths on top."""
    _require(G, company_id, ("company", "person"))
    m = _map_settings(settings)
    hops = int(hops if hops is not None else m.get("hops", 2))
    paths = [p for p in paths if p.company_id == company_id]
    dist = hop_distances(G, [company_id], hops)
    name = G.nodes[company_id].get("name") or company_id
    sub = f"{hops} hop{'s' if hops != 1 else ''}; {_window_text(G)}; {len(paths)} conflict path(s)"
    return render_map(G, dist, focus=[company_id], paths=paths, levels=levels, scores=scores,
                      title=f"Ties of {name} ({company_id})", subtitle=sub, mode="company",
                      reason=f"within {hops} hops", settings=settings, max_nodes=max_nodes)


def path_map(G: nx.MultiDiGraph, path: ConflictPath, *, hops: int = 1, levels: Mapping[str, str] | None = None,
             scores: Mapping[str, float] | None = None, settings: Mapping | None = None,
             max_nodes: int | None = None) -> RenderedMap:
    """One conflict path highlighted on its surroundings (``hops`` around each of its nodes)."""
    nodes = [n for n in [path.official_id, *path.nodes, path.company_id] if n in G]
    if not nodes:
        raise NotFound(f"the nodes of path {path.path_id} are not in the graph")
    dist = hop_distances(G, nodes, hops)
    oname = G.nodes[path.official_id].get("name") if path.official_id in G else path.official_id
    cname = G.nodes[path.company_id].get("name") if path.company_id in G else path.company_id
    return render_map(G, dist, focus=[path.official_id, path.company_id], paths=[path], levels=levels,
                      scores=scores, title=f"Conflict path {path.path_id}: {oname} → {cname}",
                      subtitle=f"score {path.score:.0f}; {hops} hop(s) around the path; {_window_text(G)}",
                      mode="path", reason=f"within {hops} hop(s) of the path", settings=settings,
                      max_nodes=max_nodes)


def overview_map(G: nx.MultiDiGraph, levels: Mapping[str, str], *, min_level: str = "yellow",
                 paths: Sequence[ConflictPath] = (), scores: Mapping[str, float] | None = None,
                 settings: Mapping | None = None, max_nodes: int | None = None) -> RenderedMap:
    """The flagged officials (level ≥ ``min_level``), their units, their conflict paths and what ties them.

    "What ties them": any node linked to two or more of the flagged officials
    or path nodes (a shared relative, company, contact).
    """
    if min_level not in LEVEL_RANK:
        raise GraphRiskError(f"unknown level '{min_level}' (one of {', '.join(LEVELS)})")
    floor = LEVEL_RANK[min_level]
    scores = dict(scores or {})
    flagged = sorted((o for o, lvl in levels.items() if LEVEL_RANK.get(lvl, -1) >= floor and o in G),
                     key=lambda o: (-LEVEL_RANK[levels[o]], -scores.get(o, 0.0), str(o)))
    fset = set(flagged)
    paths = [p for p in paths if p.official_id in fset]
    cand = {o: 0 for o in flagged}
    for n in _path_node_list(paths):
        if n in G:
            cand.setdefault(n, 1)
    for o in flagged:
        u = G.nodes[o].get("unit_id")
        if u in G:
            cand.setdefault(u, 1)
    # ties count between flagged officials and path nodes only (a unit is shown, but shares too much)
    anchors = {n for n in cand if G.nodes[n].get("kind") != "unit"}
    touch: dict = defaultdict(set)
    for a in sorted(anchors, key=str):
        for nb in _neighbours(G, a):
            if nb not in cand and G.nodes[nb].get("kind") != "unit":
                touch[nb].add(a)
    for nb, by in touch.items():
        if len(by) >= 2:
            cand.setdefault(nb, 2)
    title = f"Overview: officials flagged {min_level} or above"
    sub = f"{len(flagged)} official(s); {_window_text(G)}; {len(paths)} conflict path(s)"
    return render_map(G, cand, focus=flagged, paths=paths, levels=levels, scores=scores, title=title,
                      subtitle=sub, mode="overview", reason="in the overview", settings=settings,
                      max_nodes=max_nodes)


# ------------------------------------------------------------------ glue for the CLI and the demo

def _paths_api():
    try:
        from ..analysis import paths as pmod
    except ImportError:
        return None
    return pmod


def _flags(db, settings, as_of):
    try:
        from ..rules import current_flags
    except ImportError:
        return None
    return current_flags(db, settings=settings, as_of=as_of)


def map_from_store(db, *, official: str | None = None, company: str | None = None, path_id: str | None = None,
                   only_paths: bool = False, overview: bool = False, min_level: str = "yellow",
                   hops: int | None = None, since: str | None = None, until: str | None = None,
                   settings: Mapping | None = None, notes: list | None = None) -> RenderedMap:
    """Build the graph from the store, fetch paths and risk levels, and render the map asked for.

    Exactly one of ``official``, ``company``, ``path_id``, ``overview``.
    ``notes`` (a list) receives sentences about what could not be shown
    (e.g. flags not available), for the caller to print.
    """
    from ..graph import build_graph

    chosen = [x for x in (official, company, path_id, overview or None) if x]
    if len(chosen) != 1:
        raise GraphRiskError("choose exactly one of official, company, path or overview")
    notes = notes if notes is not None else []
    G = build_graph(db, since=since, until=until)
    flags = _flags(db, settings, until)
    if flags is None:
        notes.append("risk levels are not available (graphrisk.rules is missing); officials are not coloured")
        flags = []
    levels = {f.official_id: f.level for f in flags}
    scores = {f.official_id: float(f.score) for f in flags}
    pmod = _paths_api()
    if pmod is None:
        notes.append("conflict paths are not available (graphrisk.analysis.paths is missing)")
    if official:
        _require(G, official, "official")
        paths = pmod.find_paths(G, official=official, settings=settings) if pmod else []
        return official_map(G, official, hops=hops, paths=paths, levels=levels, scores=scores,
                            only_paths=only_paths, settings=settings)
    if company:
        _require(G, company, ("company", "person"))
        paths = pmod.find_paths(G, company=company, settings=settings) if pmod else []
        return company_map(G, company, hops=hops, paths=paths, levels=levels, scores=scores, settings=settings)
    if path_id:
        if pmod is None:
            raise GraphRiskError("cannot show a path: graphrisk.analysis.paths is not available")
        found = [p for p in pmod.find_all_paths(G, settings=settings) if p.path_id == path_id]
        if not found:
            raise NotFound(f"no conflict path '{path_id}' in the store (in this time window)")
        return path_map(G, found[0], hops=hops if hops is not None else 1, levels=levels, scores=scores,
                        settings=settings)
    if not flags:
        notes.append("no flagged officials: the overview is empty")
    paths = pmod.find_all_paths(G, settings=settings) if pmod else []
    return overview_map(G, levels, min_level=min_level, paths=paths, scores=scores, settings=settings)
