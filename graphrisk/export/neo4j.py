"""Neo4j admin-import CSVs: ``nodes.csv`` and ``relationships.csv`` in one folder.

Load with ``neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv``.
Headers name the id space and types (``id:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``,
``amount:float``, ``row:int``); labels are the node kinds (``Official``, ``Company``, ...), types
the edge kinds (``GIFT``, ``CONTRACT``, ...). Text cells starting with ``= + - @`` get a leading
``'`` (formula-safe when a spreadsheet opens the file); ids are written the same way in both files.
"""
from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

from .common import plain_graph

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TYPES = {bool: "boolean", int: "long", float: "double", str: None}


def safe(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _label(kind: str | None) -> str:
    return "".join(p.capitalize() for p in (kind or "entity").split("_"))


def _columns(items: list[dict], skip: set[str]) -> list[tuple[str, str | None]]:
    seen: dict[str, str | None] = {}
    for d in items:
        for k, v in d.items():
            if k not in skip and k not in seen:
                seen[k] = _TYPES.get(type(v))
    return sorted(seen.items())


def _header(cols) -> list[str]:
    return [f"{k}:{typ}" if typ else k for k, typ in cols]


def _cell(v, typ) -> str:
    if v is None:
        return ""
    if typ == "boolean":
        return "true" if v else "false"
    if typ:
        return str(v)
    return safe(v)


def write(G: nx.MultiDiGraph, out: Path, lang: str | None = None) -> tuple[list[Path], dict]:
    H = plain_graph(G, lang)
    out.mkdir(parents=True, exist_ok=True)
    nodes_file, rels_file = out / "nodes.csv", out / "relationships.csv"
    node_attrs = [d for _, d in H.nodes(data=True)]
    ncols = _columns(node_attrs, {"id"})
    with nodes_file.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id:ID", ":LABEL", *_header(ncols)])
        for n, d in sorted(H.nodes(data=True), key=lambda x: str(x[0])):
            w.writerow([safe(n), _label(d.get("kind")), *(_cell(d.get(k), typ) for k, typ in ncols)])
    edge_attrs = [d for *_, d in H.edges(keys=True, data=True)]
    ecols = _columns(edge_attrs, set())
    with rels_file.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([":START_ID", ":END_ID", ":TYPE", "key", *_header(ecols)])
        for u, v, k, d in sorted(H.edges(keys=True, data=True), key=lambda x: (str(x[2]), str(x[0]), str(x[1]))):
            w.writerow([safe(u), safe(v), (d.get("kind") or "link").upper(), safe(k),
                        *(_cell(d.get(c), typ) for c, typ in ecols)])
    return [nodes_file, rels_file], {}
