"""Choosing what to export and making attributes every format can hold."""
from __future__ import annotations

import importlib
import json
import re
from xml.sax.saxutils import escape as xml_escape
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from ..errors import GraphRiskError, NotFound

# format -> module of this package with write(G, out) -> list[Path]
FORMATS = {"graphml": "graphml", "gexf": "gexf", "ftm": "ftm", "neo4j": "neo4j", "i2": "i2"}
# attributes kept out of exports: derived matching keys; on edges also the entity columns a
# membership row repeats (name, rank, id number: they belong to the official's node)
_DROP = {"name_norm"}
_DROP_EDGE = _DROP | {"name", "id_number", "rank", "unit_name", "parent_name"}


@dataclass
class ExportResult:
    format: str
    files: list[Path]
    nodes: int
    edges: int
    extra: dict = field(default_factory=dict)  # per-format counts (FtM entities by schema, ...)


def select(G: nx.MultiDiGraph, official: str | None = None, company: str | None = None,
           hops: int = 2) -> nx.MultiDiGraph:
    """The part of ``G`` within ``hops`` ties (either direction) of an official or a company; all of it
    when neither is given. Every record between two kept nodes is kept."""
    seed, what = (official, "official") if official else (company, "company") if company else (None, None)
    if seed is None:
        return G
    if seed not in G or G.nodes[seed].get("kind") != what:
        from ..i18n import t

        raise NotFound(t(f"export.error.unknown_{what}", id=seed))
    if hops < 0:
        raise GraphRiskError("--hops must be 0 or more")
    keep = set(nx.single_source_shortest_path_length(G.to_undirected(as_view=True), seed, cutoff=hops))
    return G.subgraph(keep).copy()


def plain_value(value):
    """A value every format can hold: str, int, float or bool; None stays None (left out)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def plain_attrs(d: dict, edge: bool = False) -> dict:
    """Scalar attributes of a node or edge, the provenance file as ``source_file``, None left out."""
    out = {}
    drop = _DROP_EDGE if edge else _DROP
    for k, v in d.items():
        if k in drop:
            continue
        if k == "source":  # the file the row came from (graph.py's provenance)
            k = "source_file"
        v = plain_value(v)
        if v is not None:
            out[k] = v
    return out


_CORE = {"kind", "record_id", "date", "end_date", "amount", "currency", "source_file", "row", "batch"}


def _record_kinds() -> dict[str, "object"]:
    """Edge kind -> the record or tie kind whose rows make it (from the model)."""
    from .. import schema

    out = {}
    for k in schema.KINDS.values():
        for spec in k.edges:
            if spec.kind:
                out.setdefault(spec.kind, k)
            else:  # kind from a column (relations): every tie edge kind
                for ek, e in schema.EDGE_KINDS.items():
                    if e.role == "tie" and ek not in out:
                        out.setdefault(ek, k)
    return out


def lean_edge(u, v, a: dict, kinds: dict) -> dict:
    """Drop the record's own columns that repeat what the edge already says: its id (``gift_id`` =
    ``record_id``), its endpoints (``giver_id``), its amount and date under their column names
    (``value``, ``start_date``), and the provenance file under another name."""
    k = kinds.get(a.get("kind"))
    same = {str(a.get("record_id")), str(u), str(v)}
    out = {}
    for name, val in a.items():
        if name in _CORE or name in ("label", "role"):
            out[name] = val
            continue
        if isinstance(val, str) and val in same and name.endswith("_id"):
            continue
        if k is not None and ((name == k.amount_column and val == a.get("amount")) or
                              (name == k.date_column and val == a.get("date")) or
                              (name == k.end_column and val == a.get("end_date"))):
            continue
        if name == "evidence_source" and val == a.get("source_file"):
            continue
        if name == "relation_raw" and val == a.get("relation"):
            continue
        out[name] = val
    return out


def uniform_types(items: list[dict]) -> None:
    """Give each attribute one type across ``items`` (GraphML/GEXF declare a type per attribute):
    int and float mix to float; anything mixed with text becomes text. In place."""
    types: dict[str, set] = {}
    for d in items:
        for k, v in d.items():
            types.setdefault(k, set()).add(type(v))
    for k, ts in types.items():
        if len(ts) < 2:
            continue
        to = float if ts <= {int, float, bool} else str
        for d in items:
            if k in d:
                d[k] = to(d[k]) if to is float else (d[k] if isinstance(d[k], str) else json.dumps(d[k]))


def plain_graph(G: nx.MultiDiGraph, lang: str | None = None) -> nx.MultiDiGraph:
    """A copy of ``G`` with plain, uniformly typed attributes and a ``label`` on every node and edge."""
    from .. import schema
    from ..i18n import current_lang

    lang = lang or current_lang()
    H = nx.MultiDiGraph()
    nodes = []
    for n, d in G.nodes(data=True):
        a = plain_attrs(d)
        a["label"] = str(d.get("name") or n)
        kind = d.get("kind")
        if kind in schema.NODES:
            a["kind_label"] = schema.NODES[kind].label.get(lang) or schema.NODES[kind].label["en"]
        nodes.append((n, a))
    edges = []
    kinds = _record_kinds()
    for u, v, k, d in G.edges(keys=True, data=True):
        a = lean_edge(u, v, plain_attrs(d, edge=True), kinds)
        ek = schema.EDGE_KINDS.get(d.get("kind"))
        if ek is not None:
            a["label"] = (ek.label_zh or ek.label) if lang == "zh" else ek.label
            a["role"] = ek.role
        edges.append((u, v, k, a))
    uniform_types([a for _, a in nodes])
    uniform_types([a for *_, a in edges])
    H.add_nodes_from(nodes)
    H.add_edges_from(edges)
    H.graph.update({k: plain_value(v) for k, v in G.graph.items() if plain_value(v) is not None})
    return H


def export(db, to: str, out, *, since: str | None = None, until: str | None = None, official: str | None = None,
           company: str | None = None, hops: int = 2, lang: str | None = None) -> ExportResult:
    """Build the graph of the store (for the window), keep the part asked for, write it as ``to``."""
    from ..graph import build_graph

    if to not in FORMATS:
        raise GraphRiskError(f"unknown export format '{to}' (known: {', '.join(FORMATS)})")
    if official and company:
        from ..i18n import t

        raise GraphRiskError(t("export.error.both"))
    from ..engine.build import canonical

    canon = canonical(db)  # an id merged by entity resolution stands for the entity it became
    official = canon.get(official, official) if official else official
    company = canon.get(company, company) if company else company
    G = select(build_graph(db, since=since, until=until), official=official, company=company, hops=hops)
    mod = importlib.import_module(f".{FORMATS[to]}", __package__)
    files, extra = mod.write(G, Path(out), lang=lang)
    return ExportResult(to, files, G.number_of_nodes(), G.number_of_edges(), extra)


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value) -> str:
    """``value`` escaped for XML text and double-quoted attributes. Characters XML 1.0 cannot hold
    at all (control characters) are written as U+FFFD, so the file always parses."""
    text = str(value)
    if _XML_BAD.search(text):
        text = _XML_BAD.sub("\ufffd", text)
    return xml_escape(text, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def attr_types(items) -> dict[str, type]:
    """Attribute name -> its one Python type over ``items`` (after :func:`uniform_types`), sorted by name."""
    types: dict[str, type] = {}
    for d in items:
        for k, v in d.items():
            types.setdefault(k, type(v))
    return dict(sorted(types.items()))


XML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}  # GraphML and GEXF attribute types


def xml_value(v) -> str:
    """An attribute value as GraphML and GEXF write it (booleans in words, floats exactly)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return xml_text(v)
