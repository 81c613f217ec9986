"""Interactive, self-contained HTML maps of the graph for investigators, readable by default.

Library first: every function takes the graph (and the paths and risk levels it should show) as
arguments and returns a :class:`RenderedMap`. Flags and paths always come from the one engine
(:func:`graphrisk.engine.evaluation`): :func:`graphrisk.render.map_load.map_from_store` fetches them for the
CLI and the API; the demo and the report pass the evaluation they already hold.

How a map is made:

1. choose the candidate nodes: for an official, the official, their conflict paths and their direct
   private ties (gifts, trips, contacts, family, shareholdings ...) and units; with ``hops`` (and for a
   company) the neighbourhood, never walking through a hub;
2. rank them (focus, paths, hop distance, centrality) and keep at most ``[map] max_nodes`` (150);
3. collapse hubs (units and nodes tied to more than ``[map] hub_neighbours`` others): the hub shows
   ``(+N)`` and its hidden neighbours, up to ``[map] hub_expand``, are in the same file to expand on click;
4. collapse parallel records of one kind between two nodes into one line carrying every record;
5. add search keys (simplified, traditional, pinyin, ids, record ids) and, for an official, the timeline;
6. write the page (:mod:`.map_page`).

The page exposes ``window.graphriskMap`` (see ``assets/map.js``) and data attributes on ``<body>``.

Modules: ``map_data`` chooses what a map shows, ``map_views`` makes the maps, ``map_page`` writes the page,
``map_load`` reads the store through the engine, ``timeline`` and ``search_keys`` add their parts; this
module gathers the public names.
"""
from __future__ import annotations

from .map_data import LABEL_MAX, LEVEL_COLORS, collapse_edges, hop_distances, select_nodes
from .map_load import map_from_store
from .map_page import RenderedMap, initial_layout
from .map_views import company_map, official_map, overview_map, path_map, render_map

__all__ = ["RenderedMap", "render_map", "official_map", "company_map", "path_map", "overview_map",
           "map_from_store", "LEVEL_COLORS", "LABEL_MAX", "select_nodes", "collapse_edges", "hop_distances",
           "initial_layout"]
