"""The printable HTML case file of one official, and its small inline SVG drawings.

One self-contained document per official: no script, no remote font or stylesheet, print CSS so a
browser's "print to PDF" gives a clean case file. Every value from the data is escaped (Jinja
autoescaping, ``/`` written ``&#47;`` so no data can make an ``http://`` reference). :func:`write_pdf`
renders the same HTML to PDF with WeasyPrint when it is installed (``graphrisk[pdf]``).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from . import schema
from .explain import CaseFile, CaseRecord, describe_record, detail_text, level_label, record_kind_label, rule_title
from .explain import node_label, points, source_text
from .i18n import current_lang, fmt_date, fmt_money, t

__all__ = ["decision_strips", "path_svg", "render_html", "timeline_svg", "write_case_files", "write_pdf"]

LEVEL_COLORS = {"red": "#c0392b", "orange": "#e67e22", "yellow": "#d4ac0d", "green": "#27ae60"}
_NODE_COLORS = {n: d.color for n, d in schema.NODES.items()}
FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
              '"Hiragino Sans GB", "WenQuanYi Zen Hei", "Noto Sans", "Segoe UI", Arial, sans-serif')


def _x(value) -> Markup:
    """Escape for SVG/HTML text and attributes, ``/`` included (no URL from data)."""
    return Markup(str(escape(value)).replace("/", "&#47;"))


def _short(name: str, n: float = 11) -> str:
    """A label that fits a drawing (``n`` wide characters; Latin letters count about half); the full
    name stays in the element's <title> and in the tables."""
    width, out = 0.0, []
    for ch in name:
        width += 1.0 if ord(ch) > 0x2E7F else 0.6
        if width > n:
            return "".join(out[:-1]) + "…"
        out.append(ch)
    return name


def _edge_label(kind: str, lang: str) -> str:
    ek = schema.EDGE_KINDS.get(kind)
    if ek is None:
        return kind
    return (ek.label_zh or ek.label) if lang == "zh" else ek.label


def _edge_color(kinds: list[str]) -> str:
    for k in kinds:
        if k in schema.EDGE_KINDS:
            return schema.EDGE_KINDS[k].color
    return "#7f8c8d"


# ------------------------------------------------------------------ path drawing

def path_svg(nodes: list[dict], edges: list[dict], lang: str | None = None) -> Markup:
    """One conflict path, drawn small: the private chain left to right, the decision as an arc above.

    ``nodes``: [{id, name, kind}] from the official to the beneficiary; ``edges``: the path's edges
    ({kind, record_id, from, to, date, amount, currency}), the decision last.
    """
    lang = lang or current_lang()
    bw, bh, gap, top = 150, 46, 80, 70
    n = max(len(nodes), 1)
    W = 20 + n * bw + (n - 1) * gap + 20
    H = top + bh + 34
    xs = [20 + i * (bw + gap) for i in range(n)]
    pos = {nd["id"]: i for i, nd in enumerate(nodes)}
    out = [f'<svg viewBox="0 0 {W} {H}" width="100%" style="max-width:{W}px" role="img" class="pathfig" '
           f'aria-label="{_x(t("explain.label.path_figure", lang))}">',
           '<defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    private, decision = (edges[:-1], edges[-1]) if edges else ([], None)
    y_mid = top + bh / 2
    for i in range(n - 1):
        a, b = nodes[i]["id"], nodes[i + 1]["id"]
        between = [e for e in private if {e.get("from"), e.get("to")} == {a, b}]
        x1, x2 = xs[i] + bw, xs[i + 1]
        color = _edge_color([e["kind"] for e in between])
        forward = not between or between[0].get("from") == a
        start, end = (x1, x2) if forward else (x2, x1)
        out.append(f'<line x1="{start}" y1="{y_mid}" x2="{end - (3 if forward else -3)}" y2="{y_mid}" '
                   f'stroke="{color}" stroke-width="2.5" marker-end="url(#arr)"/>')
        for j, e in enumerate(between[:2]):
            label = _edge_label(e["kind"], lang)
            when = fmt_date(e.get("date"), lang)
            full = describe_edge(e, lang)
            out.append(f'<text x="{(x1 + x2) / 2}" y="{y_mid - 8 - 24 * j}" text-anchor="middle" font-size="11" '
                       f'fill="#333"><title>{_x(full)}</title>{_x(label)}</text>')
            if when:
                out.append(f'<text x="{(x1 + x2) / 2}" y="{y_mid + 16 + 12 * j}" text-anchor="middle" '
                           f'font-size="10" fill="#666">{_x(when)}</text>')
        if len(between) > 2:
            out.append(f'<text x="{(x1 + x2) / 2}" y="{y_mid + 40}" text-anchor="middle" font-size="10" '
                       f'fill="#666">+{len(between) - 2}</text>')
    for i, nd in enumerate(nodes):
        color = _NODE_COLORS.get(nd.get("kind") or "", "#7f8c8d")
        out.append(f'<g><title>{_x(nd["name"])} ({_x(nd["id"])})</title>'
                   f'<rect x="{xs[i]}" y="{top}" width="{bw}" height="{bh}" rx="6" fill="#fff" stroke="{color}" '
                   f'stroke-width="2"/>'
                   f'<text x="{xs[i] + bw / 2}" y="{top + 19}" text-anchor="middle" font-size="13" fill="#111">'
                   f'{_x(_short(nd["name"]))}</text>'
                   f'<text x="{xs[i] + bw / 2}" y="{top + 36}" text-anchor="middle" font-size="10" fill="#666">'
                   f'{_x(nd["id"])}</text></g>')
    if decision is not None and nodes:
        i0 = pos.get(decision.get("from"), 0)
        i1 = pos.get(decision.get("to"), n - 1)
        xa, xb = xs[i0] + bw / 2, xs[i1] + bw / 2
        if i0 == i1:
            xa, xb = xs[0] + bw / 2, xs[n - 1] + bw / 2
        peak = 28
        label = _edge_label(decision["kind"], lang)
        extra = [x for x in (decision.get("record_id"), fmt_date(decision.get("date"), lang),
                             fmt_money(decision["amount"], decision.get("currency"), lang)
                             if decision.get("amount") is not None else "") if x]
        out.append(f'<path d="M{xa},{top} C{xa},{peak} {xb},{peak} {xb},{top - 3}" fill="none" '
                   f'stroke="{_edge_color([decision["kind"]])}" stroke-width="2.5" stroke-dasharray="6 3" '
                   f'marker-end="url(#arr)"/>')
        out.append(f'<text x="{(xa + xb) / 2}" y="16" text-anchor="middle" font-size="12" fill="#111">'
                   f'<title>{_x(describe_edge(decision, lang))}</title>{_x(label)}: {_x(" · ".join(extra))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def describe_edge(e: dict, lang: str) -> str:
    bits = [_edge_label(e["kind"], lang), str(e.get("record_id") or ""), fmt_date(e.get("date"), lang)]
    if e.get("amount") is not None:
        bits.append(fmt_money(e["amount"], e.get("currency"), lang))
    return " · ".join(b for b in bits if b)


# ------------------------------------------------------------------ timeline drawing

def _ordinal(d: str) -> int:
    return date.fromisoformat(d[:10]).toordinal()


def timeline_svg(case: CaseFile, lang: str | None = None, records: list[CaseRecord] | None = None,
                 links: list[dict] | None = None, title: str | None = None) -> Markup:
    """The official's dated records on one axis, a lane per record kind; an arc joins each benefit to a
    later decision in favour of someone on the same path, with the days between.

    ``records``/``links``: a part of the timeline (the records around one decision)."""
    lang = lang or current_lang()
    recs = [r for r in (case.timeline if records is None else records) if r.date]
    links = case.links if links is None else links
    if not recs:
        return Markup("")
    roles = {"benefit": 0, "other": 1, "tie": 2, "membership": 3, "decision": 4}
    kinds = sorted({r.kind for r in recs}, key=lambda k: (min(roles.get(r.role, 1) for r in recs if r.kind == k), k))
    lane_h, left, right, top = 44, 96, 24, 30
    W = 980
    H = top + lane_h * len(kinds) + 40
    lo, hi = min(_ordinal(r.date) for r in recs), max(_ordinal(r.date) for r in recs)
    span = max(hi - lo, 1)
    pad = span * 0.03

    def x(d: str) -> float:
        return left + (W - left - right) * ((_ordinal(d) - lo + pad) / (span + 2 * pad))

    lane_y = {k: top + lane_h * i + lane_h / 2 for i, k in enumerate(kinds)}
    cited = {rid for r in case.reasons for rid in r["records"]} | \
        {e["record_id"] for p in case.paths for e in p["edges"]}
    out = [f'<svg viewBox="0 0 {W} {H}" width="100%" role="img" class="timeline" '
           f'aria-label="{_x(title or t("explain.h.timeline", lang))}">']
    for k in kinds:
        y = lane_y[k]
        out.append(f'<line x1="{left}" y1="{y}" x2="{W - right}" y2="{y}" stroke="#e3e3e3"/>'
                   f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" font-size="12" fill="#333">'
                   f'{_x(record_kind_label(k, lang))}</text>')
    # axis: about six ticks at whole days
    axis_y = top + lane_h * len(kinds) + 6
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{W - right}" y2="{axis_y}" stroke="#888"/>')
    ticks = 6 if span >= 6 else span
    for i in range(ticks + 1):
        d = date.fromordinal(lo + round(span * i / max(ticks, 1))).isoformat()
        xx = x(d)
        out.append(f'<line x1="{xx:.1f}" y1="{axis_y}" x2="{xx:.1f}" y2="{axis_y + 5}" stroke="#888"/>'
                   f'<text x="{xx:.1f}" y="{axis_y + 18}" text-anchor="middle" font-size="10" fill="#555">'
                   f'{_x(fmt_date(d, lang))}</text>')
    by_id = {r.record_id: r for r in recs}
    for link in links:
        b, d = by_id.get(link["benefit"]), by_id.get(link["decision"])
        if not b or not d:
            continue
        x1, y1, x2, y2 = x(b.date), lane_y[b.kind], x(d.date), lane_y[d.kind]
        mx, my = (x1 + x2) / 2, min(y1, y2) - 30
        apex = 0.25 * y1 + 0.5 * my + 0.25 * y2
        out.append(f'<path d="M{x1:.1f},{y1:.1f} Q{mx:.1f},{my:.1f} {x2:.1f},{y2:.1f}" fill="none" stroke="#c0392b" '
                   f'stroke-width="1.6" stroke-dasharray="4 2"/>'
                   f'<text x="{mx:.1f}" y="{apex - 4:.1f}" font-size="10" fill="#c0392b" text-anchor="middle">'
                   f'{_x(t("explain.benefit_before_short", lang, days=link["days"]))}</text>')
    labelled: dict[tuple, list[str]] = {}  # one id label per lane and day: "G1 +2" when records share it
    for r in recs:
        if r.record_id in cited:
            labelled.setdefault((r.kind, r.date[:10]), []).append(r.record_id)
    for (kind, day), ids in sorted(labelled.items()):
        first = ids[0] if len(ids[0]) <= 16 else _short(ids[0], 9)
        more = f" +{len(ids) - 1}" if len(ids) > 1 else ""
        out.append(f'<text x="{x(day):.1f}" y="{lane_y[kind] + 18}" text-anchor="middle" font-size="9" fill="#111">'
                   f'<title>{_x(", ".join(ids))}</title>{_x(first + more)}</text>')
    for r in recs:
        xx, y = x(r.date), lane_y[r.kind]
        color = _edge_color(r.edge_kinds)
        strong = r.record_id in cited
        title = _x(describe_record(r, case.official_id, lang))
        stroke = ' stroke="#111" stroke-width="1.5"' if strong else ""
        opacity = "1" if strong else "0.6"
        if r.role == "decision":
            s = 7 if strong else 5
            out.append(f'<path d="M{xx:.1f},{y - s} L{xx + s:.1f},{y} L{xx:.1f},{y + s} L{xx - s:.1f},{y} z" '
                       f'fill="{color}" opacity="{opacity}"{stroke}><title>{title}</title></path>')
        else:
            out.append(f'<circle cx="{xx:.1f}" cy="{y}" r="{6 if strong else 4}" fill="{color}" opacity="{opacity}"'
                       f'{stroke}><title>{title}</title></circle>')
    out.append("</svg>")
    return Markup("".join(out))


def decision_strips(case: CaseFile, lang: str | None = None) -> list[dict]:
    """For each decision preceded by linked benefits: the records from the first such benefit to the
    decision (plus a margin), drawn on their own axis, so the order shows at a glance."""
    lang = lang or current_lang()
    by_decision: dict[str, list[dict]] = {}
    for link in case.links:
        by_decision.setdefault(link["decision"], []).append(link)
    by_id = {r.record_id: r for r in case.timeline}
    out = []
    for did, links in sorted(by_decision.items(), key=lambda kv: (by_id[kv[0]].date or "", kv[0])
                             if kv[0] in by_id else ("", kv[0])):
        dec = by_id.get(did)
        if dec is None or not dec.date:
            continue
        start = min(_ordinal(by_id[x["benefit"]].date) for x in links if x["benefit"] in by_id)
        end = _ordinal(dec.date)
        margin = max(3, (end - start) // 6)
        lo, hi = start - margin, end + margin
        keep = {did} | {x["benefit"] for x in links}
        recs = [r for r in case.timeline if r.date and (r.record_id in keep or (
            lo <= _ordinal(r.date) <= hi and r.role in ("benefit", "decision") and
            any(p["id"] in {q["id"] for q in by_id[did].parties} for p in r.parties)))]
        title = t("explain.strip_title", lang, record_id=did, date=fmt_date(dec.date, lang))
        out.append({"title": title, "figure": timeline_svg(case, lang, records=recs, links=links, title=title)})
    return out


# ------------------------------------------------------------------ the document

def _env() -> jinja2.Environment:
    from .render.html import environment

    return environment(finalize=lambda v: v if isinstance(v, Markup) else _x("" if v is None else v))


def _weight(w: float) -> str:
    """0.5**i as a fraction: 1, 1/2, 1/4, ..."""
    if w >= 1:
        return "1"
    return f"1/{round(1 / w)}"


def _record_row(rec: CaseRecord, case: CaseFile, lang: str) -> dict:
    sep = "、" if lang == "zh" else ", "
    return {"id": rec.record_id, "id_class": "id nowrap" if len(rec.record_id) <= 18 else "id", "date": fmt_date(rec.date, lang) or t("explain.no_date", lang),
            "kind": record_kind_label(rec.kind, lang),
            "amount": fmt_money(rec.amount, rec.currency, lang) if rec.amount is not None else "",
            "counterpart": sep.join(f"{p['name']} ({p['id']})" for p in rec.counterparts(case.official_id)),
            "what": detail_text(rec, lang), "source": source_text(rec, lang), "role": rec.role,
            "source_path": rec.source_file or ""}


def render_html(case: CaseFile, lang: str | None = None) -> str:
    """The case file as one self-contained, printable HTML document."""
    lang = lang or current_lang()
    o = case.official
    sep = "、" if lang == "zh" else "; "
    units = []
    for u in o["units"]:
        s = f"{u['name']} ({u['unit_id']})"
        if u["source"] == "memberships" and u.get("role"):
            s += f" {u['role']}"
        if u.get("start_date") or u.get("end_date"):
            s += " " + t("explain.period", lang, start=fmt_date(u.get("start_date"), lang) or "…",
                         end=fmt_date(u.get("end_date"), lang) or "…")
        units.append(s)
    reasons = []
    for r in case.reasons:
        path_fig = None
        if r.get("path_nodes"):
            cited = [case.records[e] for e in r["records"] if e in case.records]
            edges = [{"kind": (c.edge_kinds or [c.kind])[0], "record_id": c.record_id, "date": c.date,
                      "amount": c.amount, "currency": c.currency,
                      "from": c.parties[0]["id"] if c.parties else None,
                      "to": c.parties[-1]["id"] if c.parties else None} for c in cited]
            decision = [e for e, c in zip(edges, cited) if c.role == "decision"]
            private = [e for e, c in zip(edges, cited) if c.role != "decision"]
            path_fig = path_svg(r["path_nodes"], private + decision[-1:], lang) if decision else None
        reasons.append({"rule": rule_title(r["rule"], lang), "rule_id": r["rule"], "score": f"{r['score']:g}",
                        "adds": points(r["adds"]), "weight": _weight(r["weight"]), "total": points(r["total_after"]),
                        "text": r.get("summaries", {}).get(lang) or r["summary"],
                        "records": [_record_row(case.records[e], case, lang) for e in r["records"]],
                        "entities": [t("explain.entity_cited", lang, name=x["name"], id=x["id"],
                                       kind=node_label(x["kind"], lang)) for x in r.get("entities", [])],
                        "missing": [t("explain.record_not_found", lang, record_id=e) for e in r["missing_records"]],
                        "path_id": r.get("path_id"), "figure": path_fig})
    paths = [{"id": p["path_id"], "score": f"{p['score']:g}",
              "text": p.get("explanations", {}).get(lang) or p["explanation"],
              "figure": path_svg(p["node_info"], p["edges"], lang)} for p in case.paths]
    before: dict[str, list[str]] = {}
    for link in case.links:
        before.setdefault(link["decision"], []).append(
            t("explain.benefit_before", lang, record_id=link["benefit"], days=link["days"]))
    timeline = [{**_record_row(r, case, lang), "before": sep.join(before.get(r.record_id, []))}
                for r in case.timeline]
    c = case.scoring["cutoffs"]
    window = (t("explain.label.window_range", lang, since=fmt_date(case.window.get("since"), lang) or "…",
                until=fmt_date(case.window.get("as_of"), lang) or "…")
              if case.window.get("since") or case.window.get("as_of") else t("explain.label.window_all", lang))
    ctx = {
        "lang": lang, "T": lambda key, **kw: t(key, lang, **kw), "font_stack": Markup(FONT_STACK),
        "doc_title": t("explain.doc_title", lang, name=o["name"]),
        "title": t("explain.title", lang, name=o["name"], official_id=o["id"]),
        "official": o, "units": sep.join(units) or "—",
        "merged": t("explain.merged", lang, asked=o["merged_from"], official_id=o["id"]) if o.get("merged_from") else "",
        "aliases": ", ".join(o.get("aliases") or []),
        "position": " ".join(x for x in (o.get("position"), o.get("rank")) if x),
        "level": case.level, "level_label": level_label(case.level, lang),
        "level_color": LEVEL_COLORS.get(case.level, "#555"),
        "level_score": t("explain.level_score", lang, level=level_label(case.level, lang), score=f"{case.score:g}"),
        "cutoffs": t("explain.cutoffs", lang, red=f"{c['red']:g}", orange=f"{c['orange']:g}",
                     yellow=f"{c['yellow']:g}"),
        "capped": (t("explain.capped", lang, level=level_label(case.level, lang),
                     uncapped=level_label(case.scoring["uncapped_level"], lang),
                     rule=rule_title(case.scoring["capped_by"], lang)) if case.scoring.get("capped_by") else ""),
        "reasons": reasons, "paths": paths, "timeline": timeline,
        "timeline_svg": timeline_svg(case, lang), "strips": decision_strips(case, lang), "window": window,
        "run": t("explain.label.run", lang, run_id=case.run_id) if case.run_id else "",
    }
    return _env().get_template("case.html").render(**ctx)


def write_pdf(html: str, out: str | Path) -> Path:
    """The HTML case file as PDF through WeasyPrint (optional dependency: ``graphrisk[pdf]``).

    Raises ``ImportError`` when WeasyPrint is not installed.
    """
    import logging

    import weasyprint  # optional

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # no base_url and a fetcher that refuses everything: a case file loads nothing
    weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf(out)
    return out


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"case files load nothing ({url})")


def write_case_files(db, official_ids, out_dir, *, lang: str | None = None, settings: dict | None = None,
                     evaluation=None, as_of: str | None = None) -> dict[str, Path]:
    """Write ``case-<id>.html`` for each official into ``out_dir`` (one evaluation for all of them).

    For the weekly report and the demo, which link every flagged official to their case file.
    """
    from . import settings as settings_mod
    from .engine import evaluation as evaluate_once
    from .explain import case_file_name, explain

    settings = settings or settings_mod.load()
    ev = evaluation if evaluation is not None else evaluate_once(db, settings=settings, as_of=as_of)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for oid in official_ids:
        case = explain(db, oid, settings=settings, as_of=as_of, evaluation=ev)
        path = out_dir / case_file_name(oid)
        path.write_text(render_html(case, lang), encoding="utf-8")
        written[oid] = path
    return written
