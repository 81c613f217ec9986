"""GEXF 1.2 for Gephi: kinds, names, dates and amounts as typed attributes, nodes coloured by kind;
dated records carry ``start`` (ties also ``end``), so Gephi's timeline plays the network's growth.

Written as a stream, deterministic (no "last modified" date), with characters XML cannot hold
replaced; read back with ``networkx.read_gexf``.
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from .common import XML_TYPES as _TYPES
from .common import attr_types, plain_graph, xml_text
from .common import xml_value as _value



def _rgb(kind) -> tuple[int, int, int] | None:
    """The node kind's colour from the model (as on the maps), so Gephi shows kinds at once."""
    from .. import schema

    n = schema.NODES.get(kind or "")
    if n is None or not n.color.startswith("#") or len(n.color) != 7:
        return None
    return tuple(int(n.color[i:i + 2], 16) for i in (1, 3, 5))


def _day(value) -> str | None:
    return value[:10] if isinstance(value, str) and len(value) >= 10 else None


def write(G: nx.MultiDiGraph, out: Path, lang: str | None = None) -> tuple[list[Path], dict]:
    H = plain_graph(G, lang)
    nodes = sorted(H.nodes(data=True), key=lambda x: str(x[0]))
    edges = sorted(H.edges(keys=True, data=True), key=lambda x: (str(x[2]), str(x[0]), str(x[1])))
    ntypes = {k: t for k, t in attr_types(d for _, d in nodes).items() if k != "label"}
    etypes = {k: t for k, t in attr_types(d for *_, d in edges).items() if k != "label"}
    nid = {name: str(i) for i, name in enumerate(ntypes)}
    eid = {name: str(i) for i, name in enumerate(etypes)}
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        w = fh.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:viz="http://www.gexf.net/1.2draft/viz" '
          'version="1.2">\n'
          '<meta><creator>graphrisk</creator></meta>\n'
          '<graph defaultedgetype="directed" mode="dynamic" timeformat="date">\n')
        for cls, types, ids in (("node", ntypes, nid), ("edge", etypes, eid)):
            w(f'<attributes class="{cls}" mode="static">\n')
            for name, typ in types.items():
                w(f'<attribute id="{ids[name]}" title="{xml_text(name)}" type="{_TYPES.get(typ, "string")}"/>\n')
            w("</attributes>\n")
        w("<nodes>\n")
        for n, d in nodes:
            w(f'<node id="{xml_text(n)}" label="{xml_text(d.get("label", n))}"><attvalues>')
            for k, v in sorted(d.items()):
                if k != "label":
                    w(f'<attvalue for="{nid[k]}" value="{_value(v)}"/>')
            w("</attvalues>")
            color = _rgb(d.get("kind"))
            if color:
                w(f'<viz:color r="{color[0]}" g="{color[1]}" b="{color[2]}"/>')
            w("</node>\n")
        w("</nodes>\n<edges>\n")
        for u, v, k, d in edges:
            start, end = _day(d.get("date")), _day(d.get("end_date"))
            when = f' start="{start}"' if start else ""
            if start and end and end >= start:
                when += f' end="{end}"'
            label = f' label="{xml_text(d["label"])}"' if "label" in d else ""
            w(f'<edge id="{xml_text(k)}" source="{xml_text(u)}" target="{xml_text(v)}"{label}{when}><attvalues>')
            for a, val in sorted(d.items()):
                if a != "label":
                    w(f'<attvalue for="{eid[a]}" value="{_value(val)}"/>')
            w("</attvalues></edge>\n")
        w("</edges>\n</graph>\n</gexf>\n")
    return [out], {}
