"""Outputs for people: interactive maps (``maps`` draws, ``map_data`` chooses, ``map_load`` reads the store
through the engine, ``map_page`` writes the page, ``timeline``, ``search_keys``) and the helpers for
self-contained HTML (``html``)."""
from .maps import (RenderedMap, company_map, map_from_store, official_map, overview_map, path_map,
                   render_map)

__all__ = ["RenderedMap", "company_map", "map_from_store", "official_map", "overview_map", "path_map",
           "render_map"]
