"""The page of a map: one self-contained HTML file from the map's data (:mod:`.map_data`).

pyvis fills our own autoescaping template with ``generate_html()`` (never ``write_html``, which writes a
``lib/`` folder); vis-network and our script are inlined, every data value is embedded as escaped JSON
that the script turns into text nodes, and every label comes from the catalogue in the map's language.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import jinja2

from .. import schema
from ..errors import GraphRiskError
from ..findings import LEVELS
from ..i18n import catalogue, t
from . import html as h
from .map_data import LEVEL_COLORS, edge_label, node_label

__all__ = ["RenderedMap", "initial_layout", "page_html", "ui_texts"]


@dataclass
class RenderedMap:
    """The HTML of one map and the summary it announces on the page."""

    html: str
    summary: dict = field(default_factory=dict)

    def write(self, path: str | Path) -> Path:
        """Write the file (UTF-8, creating parent folders); nothing else is written anywhere."""
        from .. import safeio  # atomic (temporary file + rename), private mode, noted for the audit log

        return safeio.write_text(path, self.html, encoding="utf-8", newline="\n")


def ui_texts(lang: str) -> dict[str, str]:
    """Every ``maps.ui.*`` message in ``lang``, keyed by its last part, for the template and the script."""
    return {k[len("maps.ui."):]: t(k, lang) for k in sorted(catalogue()) if k.startswith("maps.ui.")}


def _env(context: dict) -> jinja2.Environment:
    """A fresh autoescaping environment for one render (its globals carry this map's context)."""
    env = h.environment()
    env.filters["script_json"] = h.json_for_script
    env.filters["from_json"] = json.loads
    env.filters["text"] = h.text
    env.globals["gr"] = context
    return env


def initial_layout(nodes: Sequence, groups: Sequence[dict], seed: int = 42,
                   spring_length: float = 110.0) -> dict:
    """Starting positions (node → (x, y)) from igraph's Fruchterman-Reingold, scaled to vis-network's
    spring length, so the browser only refines the layout. Deterministic for a given seed; empty if igraph
    is missing."""
    if len(nodes) < 2:
        return {}
    import random

    import igraph as ig

    idx = {n: i for i, n in enumerate(nodes)}
    pairs = sorted({(min(idx[g["from"]], idx[g["to"]]), max(idx[g["from"]], idx[g["to"]])) for g in groups
                    if g["from"] != g["to"]})
    g = ig.Graph(n=len(nodes), edges=pairs)
    rng = random.Random(seed)
    r = math.sqrt(len(nodes))
    start = [[rng.uniform(-r, r), rng.uniform(-r, r)] for _ in nodes]
    ig.set_random_number_generator(random.Random(seed))
    try:
        coords = g.layout_fruchterman_reingold(seed=start, niter=250 if len(nodes) <= 2000 else 150,
                                               grid="auto").coords
    finally:
        ig.set_random_number_generator(random)
    lengths = [math.dist(coords[a], coords[b]) for a, b in pairs]
    mean = (sum(lengths) / len(lengths)) if lengths else 1.0
    f = spring_length / mean if mean > 0 else 1.0
    return {n: (round(coords[i][0] * f, 1), round(coords[i][1] * f, 1)) for n, i in idx.items()}


def _iterations(n_nodes: int, m: Mapping) -> int:
    """Physics iterations before freezing: the setting up to ``large_map_nodes / 2`` nodes, then fewer."""
    iterations = int(m.get("stabilization_iterations", 300))
    knee = max(1, int(m.get("large_map_nodes", 1000)) // 2)
    if n_nodes > knee:
        iterations = max(30, int(iterations * knee / n_nodes))
    return iterations


def vis_options(n_nodes: int, m: Mapping) -> dict:
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


def legend(nodes: list[dict], edges: list[dict], lang: str) -> dict:
    order_n, order_e = list(schema.NODES), list(schema.EDGE_KINDS)
    nkinds = sorted({n["kind"] for n in nodes}, key=lambda k: order_n.index(k) if k in order_n else 99)
    ekinds = sorted({e["kind"] for e in edges}, key=lambda k: order_e.index(k) if k in order_e else 99)
    levels = [lvl for lvl in reversed(LEVELS) if any(n.get("level") == lvl for n in nodes)]
    ecount: dict[str, int] = defaultdict(int)
    for e in edges:
        ecount[e["kind"]] += e["count"]
    return {
        "nodes": [{"kind": k, "label": node_label(k, lang),
                   "shape": schema.NODE_KINDS.get(k, {}).get("shape", "dot"),
                   "color": schema.NODE_KINDS.get(k, {}).get("color", "#999999")} for k in nkinds],
        "edges": [{"kind": k, "label": edge_label(k, lang),
                   "color": schema.EDGE_KINDS[k].color if k in schema.EDGE_KINDS else "#999999",
                   "dashes": bool(schema.EDGE_KINDS[k].dashes) if k in schema.EDGE_KINDS else False,
                   "records": ecount[k]} for k in ekinds],
        "levels": [{"level": lvl, "label": t(f"maps.level_ring.{lvl}", lang), "color": LEVEL_COLORS[lvl]}
                   for lvl in levels],
    }


def omitted_note(total: int, kept: int, left_out: Sequence, G, omitted_records: int, cap: int | None,
                 reason: str, lang: str) -> str | None:
    if not left_out:
        return None
    by_kind: dict[str, int] = defaultdict(int)
    for n in left_out:
        by_kind[G.nodes[n].get("kind", "?")] += 1
    sep = "、" if lang == "zh" else ", "
    kinds = sep.join(t("maps.count_of_kind", lang, n=f"{c:,}", kind=_plural(k, c, lang))
                     for k, c in sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0])))
    return t("maps.note.omitted", lang, kept=f"{kept:,}", total=f"{total:,}", reason=reason, cap=f"{cap:,}",
             left=f"{len(left_out):,}", kinds=kinds, records=f"{omitted_records:,}")


def _plural(kind: str, count: int, lang: str) -> str:
    n = schema.NODES.get(kind)
    if n is None:
        return kind
    if lang == "zh":
        return n.label.get("zh") or kind
    return (n.plural.get("en") if count != 1 else n.label.get("en", kind).lower()) or kind


def date_bounds(edges: list[dict]) -> dict:
    dmins = [e["dmin"] for e in edges if e["dmin"]]
    dmaxs = [e["dmax"] for e in edges if e["dmax"]]
    return {"min": min(dmins)[:10] if dmins else None, "max": max(dmaxs)[:10] if dmaxs else None}


def page_html(*, nodes: list[dict], edges: list[dict], meta: dict, paths: list[dict], expand: dict,
              search: list, folds: dict, timeline, settings: Mapping, lang: str) -> str:
    """The whole page; raises when anything in it could reach the network (a guard on the template)."""
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="remote", heading=meta["title"])
    net.nodes = nodes
    net.edges = edges
    net.node_ids = [n["id"] for n in nodes]
    net.options = vis_options(len(nodes), settings)
    ctx = {"meta": meta, "legend": legend(nodes, edges, lang), "paths": paths, "expand": expand,
           "search": search, "folds": folds, "timeline": timeline, "ui": ui_texts(lang),
           "lang": "zh-CN" if lang == "zh" else "en",
           "vis_js": h.vis_network_js(), "map_js": h.inline_js(h.asset_text("map.js")),
           "map_css": h.inline_css(h.asset_text("map.css").replace("/*FONT_STACK*/", h.FONT_STACK)),
           "font_stack": h.FONT_STACK}
    net.templateEnv = _env(ctx)
    net.path = "map.html"
    html = net.generate_html(name="map.html")
    problems = h.find_remote_references(html)
    if problems:  # a guard, not an expected path: every asset is neutralised above
        raise GraphRiskError(f"map would reference remote resources: {problems[:3]}")
    return html
