"""Exports of the graph to other tools: Gephi (GraphML, GEXF), Aleph / FollowTheMoney (JSON lines),
Neo4j (admin-import CSVs) and i2 Analyst's Notebook (.anx, when anxwritter is installed).

Every exporter takes the networkx graph of the store (:func:`graphrisk.graph.build_graph`, for a
time window) or a part of it (:func:`select`: the neighbourhood of an official or a company) and
writes one format; :func:`export` does both. Each format has its own module with ``write(G, out)``.
"""
from __future__ import annotations

from .common import ExportResult, FORMATS, export, select

__all__ = ["ExportResult", "FORMATS", "export", "select"]
