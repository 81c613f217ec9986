"""An official's records on one time axis (inline SVG, no script): contacts, gifts, trips, awards and
decisions in lanes, the records of each conflict path ringed in red and joined benefit → award, so
"the benefit came before the award" shows at a glance. Used by the official map; the case file may reuse it.
"""
from __future__ import annotations

from datetime import date
from typing import Sequence

import networkx as nx
from markupsafe import Markup

from .. import schema
from ..findings import ConflictPath
from ..i18n import fmt_date, fmt_money, t
from . import map_data as md
from .html import text as escape  # escapes "/" too: no address from data appears as one

__all__ = ["LANES", "timeline_events", "timeline_svg"]

# lane -> edge kinds drawn in it, in order from top to bottom
LANES = {"contact": ("contact",), "gift": ("gift",), "trip": ("trip_sponsor", "trip_participant"),
         "award": ("approved", "contract"), "decision": ("decided", "decision")}
_LANE_OF = {k: lane for lane, kinds in LANES.items() for k in kinds}
PATH_RED = "#e31a1c"


def timeline_events(G: nx.MultiDiGraph, official_id: str, paths: Sequence[ConflictPath] = (),
                    lang: str = "en") -> tuple[list[dict], int]:
    """The dated records touching the official, plus every record of their paths: (events, undated count).

    An event: ``{lane, kind, record_id, date, text, paths}``, sorted by date then record id.
    """
    on_path: dict[tuple, list[str]] = {}
    for p in paths:
        for e in p.edges:
            on_path.setdefault((e.kind, str(e.record_id)), []).append(p.path_id)
    seen, events, undated = set(), [], 0

    def add(u, v, d):
        nonlocal undated
        kind = d.get("kind")
        lane = _LANE_OF.get(kind)
        rid = str(d.get("record_id") or "")
        if lane is None or (kind, rid) in seen:
            return
        seen.add((kind, rid))
        if not d.get("date"):
            undated += 1
            return
        other = v if u == official_id else u
        bits = [fmt_date(str(d["date"]), lang), md.edge_label(kind, lang),
                f"{G.nodes[u].get('name') or u} → {G.nodes[v].get('name') or v}" if official_id not in (u, v)
                else str(G.nodes[other].get("name") or other)]
        amount = md.num(d.get("amount"))
        if amount is not None:
            bits.append(fmt_money(amount, d.get("currency"), lang))
        bits.append(rid)
        events.append({"lane": lane, "kind": kind, "record_id": rid, "date": str(d["date"])[:10],
                       "text": " ".join(" · ".join(bits).split()), "paths": sorted(on_path.get((kind, rid), []))})

    if official_id in G:
        for v, keyed in G.succ[official_id].items():
            for d in keyed.values():
                add(official_id, v, d)
        for u, keyed in G.pred[official_id].items():
            for d in keyed.values():
                add(u, official_id, d)
    for p in paths:
        for e in p.edges:
            if e.source in G and e.target in G:
                for d in G.get_edge_data(e.source, e.target, default={}).values():
                    if d.get("kind") == e.kind and str(d.get("record_id")) == str(e.record_id):
                        add(e.source, e.target, d)
    events.sort(key=lambda e: (e["date"], e["lane"], e["record_id"]))
    return events, undated


def _ticks(d0: date, d1: date) -> list[date]:
    months = (d1.year - d0.year) * 12 + d1.month - d0.month
    step = 1 if months <= 14 else 3 if months <= 40 else 12
    out, y, m = [], d0.year, d0.month
    while True:
        m += 1
        if m > 12:
            y, m = y + 1, 1
        tick = date(y, m, 1)
        if tick > d1:
            return out
        if (m - 1) % step == 0:
            out.append(tick)


def timeline_svg(events: Sequence[dict], lang: str = "en", width: int = 960) -> Markup:
    """The events as an inline SVG (every text escaped; markers carry ``data-record`` and ``data-paths``)."""
    if not events:
        return Markup(f'<p class="gr-hint" id="gr-timeline-empty">{escape(t("maps.timeline.empty", lang))}</p>')
    lanes = [lane for lane in LANES if any(e["lane"] == lane for e in events)]
    left, top, lane_h, right = 92, 22, 24, 14
    height = top + lane_h * len(lanes) + 6
    d0 = date.fromisoformat(min(e["date"] for e in events))
    d1 = date.fromisoformat(max(e["date"] for e in events))
    span = max((d1 - d0).days, 1)
    pad = max(span * 0.02, 1)
    lo, total = d0.toordinal() - pad, span + 2 * pad
    plot_w = width - left - right

    def x(iso: str) -> float:
        return round(left + plot_w * (date.fromisoformat(iso).toordinal() - lo) / total, 1)

    def y(lane: str) -> float:
        return top + lane_h * lanes.index(lane) + lane_h / 2

    parts = [f'<svg id="gr-timeline-svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{escape(t("maps.timeline.title", lang))}">']
    for lane in lanes:
        parts.append(f'<text x="4" y="{y(lane) + 4}" class="lane">{escape(t("maps.timeline.lane." + lane, lang))}'
                     f'</text><line x1="{left}" x2="{width - right}" y1="{y(lane)}" y2="{y(lane)}" class="grid"/>')
    for tick in _ticks(d0, d1):
        tx = x(tick.isoformat())
        label = f"{tick.year}年{tick.month}月" if lang == "zh" else tick.strftime("%Y-%m")
        parts.append(f'<line x1="{tx}" x2="{tx}" y1="{top - 4}" y2="{height - 4}" class="tick"/>'
                     f'<text x="{tx + 2}" y="{top - 8}" class="tick-label">{escape(label)}</text>')
    # each path: its benefits joined to its award, under the markers
    by_path: dict[str, list[dict]] = {}
    for e in events:
        for pid in e["paths"]:
            by_path.setdefault(pid, []).append(e)
    for pid, evs in sorted(by_path.items()):
        awards = [e for e in evs if e["lane"] in ("award", "decision")]
        for a in awards:
            for b in (e for e in evs if e not in awards):
                parts.append(f'<line x1="{x(b["date"])}" y1="{y(b["lane"])}" x2="{x(a["date"])}" y2="{y(a["lane"])}" '
                             f'class="path-link" data-path="{escape(pid)}"/>')
    for e in events:
        ek = schema.EDGE_KINDS.get(e["kind"])
        color = ek.color if ek else "#999999"
        on = bool(e["paths"])
        parts.append(f'<circle cx="{x(e["date"])}" cy="{y(e["lane"])}" r="{6 if on else 4}" fill="{color}" '
                     f'class="{"ev on-path" if on else "ev"}" data-record="{escape(e["record_id"])}" '
                     f'data-paths="{escape(" ".join(e["paths"]))}"><title>{escape(e["text"])}</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))
