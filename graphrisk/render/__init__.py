"""Outputs for people: interactive maps (``maps`` draws, ``map_data`` chooses, ``map_load`` reads the store
through the engine, ``map_page`` writes the page, ``timeline``, ``search_keys``) and the helpers for
self-contained HTML (``html``).

The map functions are imported when first asked for (``graphrisk.render.official_map``): the console helpers
every command prints with live here too, and the maps bring networkx, which an ingest never uses.
"""
__all__ = ["RenderedMap", "company_map", "map_from_store", "official_map", "overview_map", "path_map",
           "render_map"]


def __getattr__(name: str):
    if name in __all__:
        from . import maps

        return getattr(maps, name)
    raise AttributeError(f"module 'graphrisk.render' has no attribute '{name}'")
