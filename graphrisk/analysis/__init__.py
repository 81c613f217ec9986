"""Analyses of the graph: centrality, communities, conflict-of-interest paths.

Each module takes a networkx graph from :func:`graphrisk.graph.build_graph`
first, returns plain data and never changes the graph; heavy measures run on
a cached igraph copy (:mod:`graphrisk.analysis._igraph`).
"""
