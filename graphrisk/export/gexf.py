"""GEXF for Gephi: kinds, names, dates and amounts as attributes; dated records carry ``start``
(and ties their ``end``), so Gephi's timeline can play the network's growth."""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from .common import plain_graph


def write(G: nx.MultiDiGraph, out: Path, lang: str | None = None) -> tuple[list[Path], dict]:
    H = plain_graph(G, lang)
    for _, _, d in H.edges(data=True):
        if isinstance(d.get("date"), str) and len(d["date"]) >= 10:
            d["start"] = d["date"][:10]
            if isinstance(d.get("end_date"), str) and len(d["end_date"]) >= 10 and d["end_date"] >= d["start"]:
                d["end"] = d["end_date"][:10]
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_gexf(H, out, encoding="utf-8")
    return [out], {}
