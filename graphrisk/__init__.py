"""graphrisk: network analysis of relationships between public officials and businesses.

The library is the product; the ``graphrisk`` command is a thin layer over it::

    import graphrisk
    case = graphrisk.open("dept.db")
    case.ingest("registers/")
    case.flags(level="orange").to_dict()
    case.paths(official="O000123").paths
    G = case.graph(since="2026-01-01")      # networkx MultiDiGraph
"""
from .api import Case, FlagsResult, PathsResult, open
from .engine import Evaluation, evaluation
from .errors import GraphRiskError, InputError, NotFound, SettingsError, StoreError
from .store import connect

__all__ = ["Case", "Evaluation", "FlagsResult", "GraphRiskError", "InputError", "NotFound", "PathsResult",
           "SettingsError", "StoreError", "connect", "evaluation", "open"]
__version__ = "0.1.0"
