"""i2 Analyst's Notebook exchange charts (``.anx``) through anxwritter (optional: ``graphrisk[i2]``).

Entities are icons typed by node kind (Official, Company, ... in the chosen language) labelled with
their names; records are links typed by edge kind, dated, with the record id, amount, currency and
source file and row as attributes, so ANB's timeline and link analysis work on them.
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from .. import schema
from ..errors import GraphRiskError
from ..i18n import current_lang, t



def _node_type(kind: str | None, lang: str) -> str:
    n = schema.NODES.get(kind or "")
    return (n.label.get(lang) or n.label["en"]) if n else (kind or "Entity")


def _edge_type(kind: str | None, lang: str) -> str:
    ek = schema.EDGE_KINDS.get(kind or "")
    if ek is None:
        return kind or "Link"
    return (ek.label_zh or ek.label) if lang == "zh" else ek.label


def write(G: nx.MultiDiGraph, out: Path, lang: str | None = None) -> tuple[list[Path], dict]:
    lang = lang or current_lang()
    try:
        from anxwritter import ANXChart
    except ImportError:
        raise GraphRiskError(t("export.error.no_anxwritter", lang)) from None
    chart = ANXChart()
    for n, d in sorted(G.nodes(data=True), key=lambda x: str(x[0])):
        attrs = {"id": str(n), "kind": str(d.get("kind") or "")}
        if d.get("source"):
            attrs["source_file"] = Path(str(d["source"])).name
            attrs["row"] = float(d["row"]) if d.get("row") is not None else None
        chart.add_icon(id=str(n), type=_node_type(d.get("kind"), lang), label=str(d.get("name") or n),
                       color=schema.NODES[d["kind"]].color if d.get("kind") in schema.NODES else "#7f7f7f",
                       attributes={k: v for k, v in attrs.items() if v not in (None, "")})
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda x: str(x[2])):
        attrs = {"record_id": str(d.get("record_id") or k), "kind": str(d.get("kind") or "")}
        if d.get("amount") is not None:
            attrs["amount"] = float(d["amount"])
            attrs["currency"] = str(d.get("currency") or "")
        if d.get("source"):
            attrs["source_file"] = Path(str(d["source"])).name
        if d.get("row") is not None:
            attrs["row"] = float(d["row"])
        link = {"from_id": str(u), "to_id": str(v), "type": _edge_type(d.get("kind"), lang), "arrow": "->",
                "label": str(d.get("record_id") or ""), "link_id": str(k),
                "attributes": {a: b for a, b in attrs.items() if b not in (None, "")}}
        if isinstance(d.get("date"), str) and len(d["date"]) >= 10:
            link["date"] = d["date"][:10]
        chart.add_link(**link)
    problems = chart.validate()
    if problems:
        raise GraphRiskError("i2 chart failed validation: " + "; ".join(str(p) for p in problems[:5]))
    out.parent.mkdir(parents=True, exist_ok=True)
    stem = out.with_suffix("") if out.suffix.lower() == ".anx" else out
    written = Path(chart.to_anx(str(stem)))
    return [written], {}
