"""GraphML for Gephi, yEd, Cytoscape: kinds, names, dates, amounts and provenance as attributes."""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from .common import plain_graph


def write(G: nx.MultiDiGraph, out: Path, lang: str | None = None) -> tuple[list[Path], dict]:
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(plain_graph(G, lang), out, encoding="utf-8", named_key_ids=True)
    return [out], {}
