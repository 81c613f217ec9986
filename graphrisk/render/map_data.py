"""What a map shows, as plain data: which nodes (ranked and capped), which hubs are collapsed, the records on
each line, the texts of tooltips and paths, and the search keys. No HTML here (see :mod:`.maps`).

Every label comes from the message catalogue (``maps.*`` in ``graphrisk/i18n/messages/maps.toml``) and the
model's own labels (``schema.NODES`` / ``schema.EDGE_KINDS``), in the language asked for.
"""
from __future__ import annotations

import functools
import math
import unicodedata
from collections import defaultdict, deque
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import networkx as nx

from .. import schema
from ..findings import ConflictPath
from ..i18n import fmt_date, fmt_money, t
from ..narrate import field_value

__all__ = ["hop_distances", "select_nodes", "collapse_edges", "is_hub", "distinct_neighbours", "node_label",
           "edge_label", "build_nodes", "build_edges", "path_dict", "path_node_list", "hub_expansions",
           "PRIVATE_ROLES", "LEVEL_COLORS", "PATH_GLOW"]

LEVEL_COLORS = {"red": "#d62728", "orange": "#ff7f0e", "yellow": "#e6b800", "green": "#2ca02c"}
PATH_GLOW = "rgba(227,26,28,0.9)"
LABEL_MAX = 10  # width of a node label in Chinese characters (a Latin letter counts half); the tooltip has all
PRIVATE_ROLES = ("benefit", "tie")  # edge roles that are private ties (not decisions or memberships)
HUB_KINDS = ("unit", "public_body")  # always collapsed: everyone in them is one click away


# ------------------------------------------------------------------ labels

def node_label(kind: str, lang: str) -> str:
    n = schema.NODES.get(kind)
    return (n.label.get(lang) or n.label.get("en") or kind) if n else kind


def edge_label(kind: str, lang: str) -> str:
    ek = schema.EDGE_KINDS.get(kind)
    if ek is None:
        return kind
    return (ek.label_zh or ek.label) if lang == "zh" else ek.label


# ------------------------------------------------------------------ selection

def _neighbours(G: nx.MultiDiGraph, n) -> Iterable:
    yield from G.succ[n]
    yield from G.pred[n]


def distinct_neighbours(G: nx.MultiDiGraph, n) -> int:
    return len(set(G.succ[n]) | set(G.pred[n]))


def is_hub(G: nx.MultiDiGraph, n, hub_neighbours: int) -> bool:
    """A unit (or public body), or a node tied to more than ``hub_neighbours`` distinct others."""
    return G.nodes[n].get("kind") in HUB_KINDS or distinct_neighbours(G, n) > hub_neighbours


def hop_distances(G: nx.MultiDiGraph, sources: Iterable, hops: int, stop=None) -> dict:
    """Undirected hop distance from the nearest source, up to ``hops``; nodes for which ``stop(n)`` is true
    are reached but not gone through (a hub's other neighbours stay collapsed behind it)."""
    dist = {s: 0 for s in sources if s in G}
    queue = deque(dist)
    while queue:
        n = queue.popleft()
        d = dist[n]
        if d >= hops or (d > 0 and stop is not None and stop(n)):
            continue
        for m in _neighbours(G, n):
            if m not in dist:
                dist[m] = d + 1
                queue.append(m)
    return dist


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

def num(x):
    if x is None or x == "":
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def collapse_edges(G: nx.MultiDiGraph, nodes: Iterable, only_touching=None) -> list[dict]:
    """Parallel records of one kind from one node to another, as one group each.

    Returns groups ``{"from", "to", "kind", "records": [edge data with "key"], "count", "sums",
    "total", "dmin", "dmax"}`` in a deterministic order. With ``only_touching`` only the groups with
    that node at one end.
    """
    keep = set(nodes)
    groups: dict[tuple, dict] = {}
    for u in keep:
        for v, keyed in G.succ[u].items():
            if v not in keep or (only_touching is not None and only_touching not in (u, v)):
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
            a = num(r.get("amount"))
            if a is not None:
                sums[r.get("currency") or ""] += a
                total += a
        dates = [str(r["date"]) for r in recs if r.get("date")]
        out.append({**g, "records": recs, "count": len(recs), "sums": dict(sorted(sums.items())),
                    "total": total, "dmin": min(dates) if dates else None, "dmax": max(dates) if dates else None,
                    "undated": any(not r.get("date") for r in recs)})
    return out


def _fmt_sums(sums: Mapping[str, float], lang: str) -> str:
    return "; ".join(fmt_money(v, c or None, lang) for c, v in sums.items())


def label_width(text: str) -> int:
    """Display width in half-width units: a Chinese (wide) character counts 2, a Latin letter 1."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _short(name: str, n: int = LABEL_MAX) -> str:
    """The name cut to ``n`` wide characters (2n Latin ones), ending in "…" when cut."""
    name = " ".join(str(name).split())
    if label_width(name) <= 2 * n:
        return name
    out, w = "", 0
    for c in name:
        w += label_width(c)
        if w > 2 * n - 2:
            break
        out += c
    return out.rstrip() + "…"


@functools.lru_cache(maxsize=4096)
def _basename(path: str) -> str:
    return Path(path).name


def source_text(d: Mapping) -> str | None:
    src = d.get("source")
    if not src and d.get("row") is None:
        return None
    base = _basename(str(src)) if src else "?"
    return f"{base}:{d.get('row')}" if d.get("row") is not None else base


# record fields shown in details; booleans are words, never 0/1
_RECORD_EXTRA = ("relation", "share_pct", "end_date", "evidence_source", "channel", "location", "method", "title",
                 "description", "declared", "reported", "destination", "purpose", "country", "decision_type")
_BOOL_FIELDS = {"declared", "reported", "in_plan"}


def _yes_no(v, lang: str) -> str:
    if str(v).strip().lower() in ("1", "true", "yes", "是", "1.0"):
        return t("maps.yes", lang)
    return t("maps.no", lang)


def record_row(d: Mapping, lang: str) -> dict:
    """One record of an edge for the page: id, date, amount, details, provenance."""
    extra = []
    for k in _RECORD_EXTRA:
        v = d.get(k)
        if v in (None, ""):
            continue
        v = _yes_no(v, lang) if k in _BOOL_FIELDS else field_value(k, v, lang)  # spouse → 配偶, dinner → 用餐
        extra.append(f"{t('maps.field.' + k, lang)}: {v}")
    amount = num(d.get("amount"))
    return {"id": str(d.get("record_id") or d.get("key")), "date": fmt_date(d.get("date"), lang) or None,
            "iso": str(d["date"])[:10] if d.get("date") else None,
            "amount": fmt_money(amount, d.get("currency"), lang) if amount is not None else None,
            "extra": "; ".join(extra) or None, "source": source_text(d), "path": d.get("source"),
            "batch": d.get("batch")}


# ------------------------------------------------------------------ nodes

def _node_info(G, n, d, level, score, hop, cent, measure, lang) -> list[list[str]]:
    kind = d.get("kind", "?")
    L = functools.partial(t, lang=lang)
    rows = [[L("maps.info.kind"), node_label(kind, lang)], [L("maps.info.id"), str(n)],
            [L("maps.info.name"), str(d.get("name") or n)]]
    if kind == "official":
        unit = d.get("unit_id")
        if unit:
            uname = G.nodes[unit].get("name") if unit in G else None
            rows.append([L("maps.info.unit"), f"{uname} ({unit})" if uname else str(unit)])
        for key in ("position", "rank"):
            if d.get(key):
                rows.append([L(f"maps.info.{key}"), str(d[key])])
        if level:
            lv = t(f"common.levels.{level}", lang)
            rows.append([L("maps.info.level"), lv if score is None else L("maps.info.level_score", level=lv,
                                                                          score=f"{score:.0f}")])
    for key in ("parent_id", "region", "sector", "country", "registration_no", "note"):
        if d.get(key):
            rows.append([L(f"maps.info.{key}"), str(d[key])])
    rows.append([L("maps.info.centrality", measure=L(f"maps.measure.{measure}") if f"maps.measure.{measure}"
                   in _measures() else measure), f"{cent:g}"])
    if hop is not None:
        rows.append([L("maps.info.hops"), str(hop)])
    src = source_text(d)
    if src:
        rows.append([L("maps.info.source"), src if d.get("batch") is None else
                     L("maps.info.source_batch", source=src, batch=d.get("batch"))])
    return rows


@functools.lru_cache(maxsize=1)
def _measures() -> frozenset:
    from ..i18n import catalogue

    return frozenset(k for k in catalogue() if k.startswith("maps.measure."))


def build_nodes(G, kept, dist, levels, scores, cent, measure, focus, path_nodes, lang, hidden=None) -> list[dict]:
    """vis-network node dicts; ``hidden`` (node → count of neighbours collapsed behind it) marks hubs."""
    cmax = max((cent.get(n, 0.0) for n in kept), default=0.0) or 1.0
    focus, path_nodes = set(focus), set(path_nodes)
    hidden = hidden or {}
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
        label = _short(d.get("name") or n)
        if hidden.get(n):
            label += f" (+{hidden[n]})"
        node = {"id": str(n), "label": label, "shape": nk["shape"], "kind": kind,
                "name": str(d.get("name") or n), "level": level, "hop": dist.get(n), "size": round(size, 2),
                "borderWidth": 5 if level else 1, "borderWidthSelected": 6 if level else 3,
                "color": {"background": c, "border": ring,
                          "highlight": {"background": c, "border": "#000000"},
                          "hover": {"background": c, "border": "#000000"}},
                "info": _node_info(G, n, d, level, scores.get(n), dist.get(n), round(cent.get(n, 0.0), 4),
                                   measure, lang),
                "focus": n in focus, "onPath": n in path_nodes, "collapsed": int(hidden.get(n, 0))}
        if hidden.get(n):
            node["info"].append([t("maps.ui.collapsed_row", lang), t("maps.hub_hidden", lang, n=hidden[n])])
            node["borderDashes"] = [4, 3]
            node["shapeProperties"] = {"borderDashes": [4, 3]}
            node["borderWidth"] = max(node["borderWidth"], 2)
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


def build_edges(G, groups, path_edge_index, lang, prefix: str = "e") -> list[dict]:
    pair_count: dict[frozenset, int] = defaultdict(int)
    out = []
    L = functools.partial(t, lang=lang)
    for i, g in enumerate(groups):
        ek = schema.EDGE_KINDS.get(g["kind"])
        color = ek.color if ek else "#999999"
        pair = frozenset((g["from"], g["to"]))
        nth = pair_count[pair]
        pair_count[pair] += 1
        records = [record_row(r, lang) for r in g["records"]]
        paths = sorted({pid for r in g["records"]
                        for pid in path_edge_index.get((g["kind"], str(r.get("record_id"))), ())})
        from_name = G.nodes[g["from"]].get("name") or g["from"]
        to_name = G.nodes[g["to"]].get("name") or g["to"]
        info = [[L("maps.info.kind"), edge_label(g["kind"], lang)], [L("maps.info.from"), f"{from_name} ({g['from']})"],
                [L("maps.info.to"), f"{to_name} ({g['to']})"], [L("maps.info.records"), str(g["count"])]]
        if g["sums"]:
            info.append([L("maps.info.total"), _fmt_sums(g["sums"], lang)])
        if g["dmin"]:
            a, b = fmt_date(g["dmin"], lang), fmt_date(g["dmax"], lang)
            info.append([L("maps.info.dates"), a if a == b else L("maps.date_range", start=a, end=b)])
        if paths:
            info.append([L("maps.info.on_paths"), ", ".join(paths)])
        e = {"id": f"{prefix}{i}", "from": str(g["from"]), "to": str(g["to"]), "kind": g["kind"],
             "count": g["count"], "total": g["total"], "dmin": g["dmin"], "dmax": g["dmax"],
             "undated": g["undated"],
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

def path_dict(G, p: ConflictPath, edge_ids: list[str], shown: bool, lang: str) -> dict:
    def name(n):
        return str(G.nodes[n].get("name") or n) if n in G else str(n)

    recs = []
    for e in p.edges:
        bits = [edge_label(e.kind, lang), e.record_id, f"{name(e.source)} → {name(e.target)}"]
        if e.date:
            bits.append(fmt_date(str(e.date), lang))
        if e.amount is not None:
            bits.append(fmt_money(float(e.amount), e.currency, lang))
        if e.source_file or e.row is not None:
            bits.append(f"{Path(str(e.source_file)).name if e.source_file else '?'}:{e.row}")
        recs.append(" · ".join(bits))
    text = p.text(lang) if hasattr(p, "text") else p.explanation
    return {"id": p.path_id, "official": str(p.official_id), "company": str(p.company_id),
            "title": f"{name(p.official_id)} → {name(p.company_id)}", "score": round(float(p.score), 2),
            "hops": p.hops, "gap_days": p.gap_days, "explanation": text,
            "nodes": list(dict.fromkeys(str(n) for n in [p.official_id, *p.nodes, p.company_id,
                                                         *(x for e in p.edges for x in (e.source, e.target))]
                                        if n is not None)),
            "edges": edge_ids, "records": recs, "shown": shown, "approved_personally": bool(p.approved_personally)}


def path_node_list(paths: Sequence[ConflictPath]) -> list:
    out = []
    for p in sorted(paths, key=lambda p: (-float(p.score), p.path_id)):
        for n in [p.official_id, *p.nodes, p.company_id, *(x for e in p.edges for x in (e.source, e.target))]:
            if n is not None and n not in out:
                out.append(n)
    return out


# ------------------------------------------------------------------ hubs

def hub_expansions(G, kept: Sequence, hubs: Sequence, *, per_hub: int, levels, scores, lang,
                   path_edge_index, budget: int | None = None) -> tuple[dict, dict]:
    """For each collapsed hub on the map: the neighbours it hides (node → count), and the data to show up
    to ``per_hub`` of them on click (nodes and the lines between them and the hub), most connected first.

    ``budget`` caps the hidden neighbours written for all hubs together (the file stays small): hubs earlier
    in ``hubs`` (the map's ranking) come first; the page says how many a hub holds back.
    """
    kept_set = set(kept)
    counts, expand = {}, {}
    left = budget if budget is not None else float("inf")
    for hi, hub in enumerate(hubs):
        hidden = sorted((m for m in set(G.succ[hub]) | set(G.pred[hub]) if m not in kept_set),
                        key=lambda m: (-len(G.succ[hub].get(m, {})) - len(G.pred[hub].get(m, {})), str(m)))
        if not hidden:
            continue
        counts[hub] = len(hidden)
        shown = hidden[:int(max(0, min(per_hub, left)))]
        left -= len(shown)
        if not shown:
            expand[str(hub)] = {"nodes": [], "edges": [], "total": len(hidden), "more": len(hidden)}
            continue
        cent = {m: float(G.degree(m)) for m in shown}
        nodes = build_nodes(G, shown, {m: None for m in shown}, levels, scores, cent, "degree", (), (), lang)
        groups = collapse_edges(G, [hub, *shown], only_touching=hub)
        edges = build_edges(G, groups, path_edge_index, lang, prefix=f"h{hi}e")
        expand[str(hub)] = {"nodes": nodes, "edges": edges, "total": len(hidden), "more": len(hidden) - len(shown)}
    return counts, expand
