"""GraphML for Gephi, yEd, Cytoscape: kinds, names, dates, amounts and provenance as typed attributes.

Written as a stream (networkx's writer builds the whole XML tree in memory and writes control
characters that make the file unreadable); read back with ``networkx.read_graphml``. Node and edge
keys are ``n_<name>`` and ``e_<name>``; parallel records between two nodes are separate edges whose
id is ``<kind>:<record id>``.
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from .common import XML_TYPES as _TYPES
from .common import attr_types, plain_graph, xml_text
from .common import xml_value as _value



def write(G: nx.MultiDiGraph, out: Path, lang: str | None = None) -> tuple[list[Path], dict]:
    H = plain_graph(G, lang)
    ntypes = attr_types(d for _, d in H.nodes(data=True))
    etypes = attr_types(d for *_, d in H.edges(keys=True, data=True))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        w = fh.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
          'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for prefix, where, types in (("n", "node", ntypes), ("e", "edge", etypes)):
            for name, typ in types.items():
                w(f'<key id="{prefix}_{xml_text(name)}" for="{where}" attr.name="{xml_text(name)}" '
                  f'attr.type="{_TYPES.get(typ, "string")}"/>\n')
        w('<graph edgedefault="directed">\n')
        for n, d in sorted(H.nodes(data=True), key=lambda x: str(x[0])):
            w(f'<node id="{xml_text(n)}">')
            for k, v in sorted(d.items()):
                w(f'<data key="n_{xml_text(k)}">{_value(v)}</data>')
            w("</node>\n")
        for u, v, k, d in sorted(H.edges(keys=True, data=True), key=lambda x: (str(x[2]), str(x[0]), str(x[1]))):
            w(f'<edge id="{xml_text(k)}" source="{xml_text(u)}" target="{xml_text(v)}">')
            for a, val in sorted(d.items()):
                w(f'<data key="e_{xml_text(a)}">{_value(val)}</data>')
            w("</edge>\n")
        w("</graph>\n</graphml>\n")
    return [out], {}
