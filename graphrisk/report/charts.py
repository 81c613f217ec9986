"""Inline SVG charts (no script, no remote library): level distribution, weekly trend, top units.

Every text from data goes through ``escape``; the SVG is returned as Markup
ready to place in the page.
"""
from __future__ import annotations

from markupsafe import Markup, escape

LEVEL_COLORS = {"red": "#d62728", "orange": "#ff7f0e", "yellow": "#e6b800", "green": "#2ca02c"}
FLAGGED = ("red", "orange", "yellow")
FONT = "font-family=\"inherit\" font-size=\"12\""


def _nice_max(v: float) -> float:
    if v <= 4:
        return 4.0  # counts: whole-number ticks
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000):
        if v <= step * 5:
            return float(step * 5 if v > step * 4 else step * (int(v / step) + 1))
    return float(v * 1.1)


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    t = escape(title)
    return Markup(f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{t}" class="chart">'
                  f'<title>{t}</title>' + "".join(body) + "</svg>")


def _value_axis(W: int, H: int, left: int, bottom: int, plot_h: float, vmax: float) -> list[str]:
    """The baseline, five value labels and light gridlines every bar chart starts with."""
    body = [f'<line x1="{left}" y1="{H - bottom}" x2="{W - 5}" y2="{H - bottom}" stroke="#888"/>']
    for i in range(5):
        v = vmax * i / 4
        y = H - bottom - plot_h * i / 4
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" {FONT} fill="#555">{v:g}</text>')
        if i:
            body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{W - 5}" y2="{y:.1f}" stroke="#eee"/>')
    return body


def levels_chart(current: dict, previous: dict, L: dict) -> Markup:
    """Grouped bars: flagged officials per level, previous period and now."""
    W, H, left, bottom, top = 420, 230, 40, 40, 20
    vmax = _nice_max(max([current.get(lv, 0) for lv in FLAGGED] + [previous.get(lv, 0) for lv in FLAGGED] + [1]))
    plot_h = H - bottom - top
    group_w = (W - left - 10) / 3
    body = _value_axis(W, H, left, bottom, plot_h, vmax)
    for gi, lv in enumerate(FLAGGED):
        x0 = left + gi * group_w + group_w * 0.15
        bw = group_w * 0.32
        for j, (val, op) in enumerate(((previous.get(lv, 0), "0.4"), (current.get(lv, 0), "1"))):
            h = plot_h * val / vmax
            x = x0 + j * (bw + 4)
            y = H - bottom - h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                        f'fill="{LEVEL_COLORS[lv]}" fill-opacity="{op}"><title>{escape(L[lv])} '
                        f'{escape(L["before"] if j == 0 else L["now"])}: {val}</title></rect>')
            body.append(f'<text x="{x + bw / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" {FONT}>{val}</text>')
        body.append(f'<text x="{x0 + bw + 2:.1f}" y="{H - bottom + 16}" text-anchor="middle" {FONT}>'
                    f'{escape(L[lv])}</text>')
    body.append(f'<rect x="{left}" y="{H - 14}" width="10" height="10" fill="#777" fill-opacity="0.4"/>'
                f'<text x="{left + 14}" y="{H - 5}" {FONT}>{escape(L["before"])}</text>'
                f'<rect x="{left + 90}" y="{H - 14}" width="10" height="10" fill="#777"/>'
                f'<text x="{left + 104}" y="{H - 5}" {FONT}>{escape(L["now"])}</text>')
    return _svg(W, H, L["chart_levels"], body)


def trend_chart(trend: list[dict], L: dict) -> Markup:
    """Stacked bars per week end: red, orange, yellow officials; the total above each bar."""
    n = max(len(trend), 1)
    W, H, left, bottom, top = 640, 240, 44, 44, 20
    vmax = _nice_max(max([t["flagged"] for t in trend] + [1]))
    plot_h = H - bottom - top
    slot = (W - left - 10) / n
    bw = slot * 0.7
    body = _value_axis(W, H, left, bottom, plot_h, vmax)
    for i, t in enumerate(trend):
        x = left + i * slot + (slot - bw) / 2
        y = H - bottom
        for lv in reversed(FLAGGED):  # yellow at the bottom, red on top
            h = plot_h * t[lv] / vmax
            y -= h
            if h > 0:
                body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                            f'fill="{LEVEL_COLORS[lv]}"><title>{escape(t["week"])} {escape(L[lv])}: '
                            f'{t[lv]}</title></rect>')
        body.append(f'<text x="{x + bw / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" {FONT}>{t["flagged"]}</text>')
        wk = str(t["week"]).split("-")[-1]
        body.append(f'<text x="{x + bw / 2:.1f}" y="{H - bottom + 15}" text-anchor="middle" font-size="11">'
                    f'{escape(wk)}</text>')
    lx = left
    for lv in FLAGGED:
        body.append(f'<rect x="{lx}" y="{H - 14}" width="10" height="10" fill="{LEVEL_COLORS[lv]}"/>'
                    f'<text x="{lx + 14}" y="{H - 5}" {FONT}>{escape(L[lv])}</text>')
        lx += 80
    return _svg(W, H, L["chart_trend"].format(n=len(trend)), body)


def units_chart(units: list[dict], L: dict) -> Markup:
    """Horizontal stacked bars: flagged officials per unit (top units)."""
    rows = [u for u in units if u["flagged"] > 0]
    n = max(len(rows), 1)
    bar_h, gap, left, right, top = 16, 6, 190, 40, 10
    W = 640
    H = top + n * (bar_h + gap) + 30
    vmax = max([u["flagged"] for u in rows] + [1])
    plot_w = W - left - right
    body = []
    for i, u in enumerate(rows):
        y = top + i * (bar_h + gap)
        name = str(u["unit"] or u["unit_id"])
        short = name if len(name) <= 16 else name[:15] + "…"
        body.append(f'<text x="{left - 6}" y="{y + bar_h - 4}" text-anchor="end" {FONT}>'
                    f'<title>{escape(name)}</title>{escape(short)}</text>')
        x = left
        for lv in FLAGGED:
            w = plot_w * u[lv] / vmax
            if w > 0:
                body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{LEVEL_COLORS[lv]}">'
                            f'<title>{escape(name)} {escape(L[lv])}: {u[lv]}</title></rect>')
            x += w
        body.append(f'<text x="{x + 4:.1f}" y="{y + bar_h - 4}" {FONT}>{u["flagged"]}</text>')
    if not rows:
        body.append(f'<text x="{W / 2}" y="{top + 12}" text-anchor="middle" {FONT}>{escape(L["none"])}</text>')
    lx = left
    for lv in FLAGGED:
        body.append(f'<rect x="{lx}" y="{H - 14}" width="10" height="10" fill="{LEVEL_COLORS[lv]}"/>'
                    f'<text x="{lx + 14}" y="{H - 5}" {FONT}>{escape(L[lv])}</text>')
        lx += 80
    return _svg(W, H, L["chart_units"], body)
