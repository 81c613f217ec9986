"""graphrisk: network analysis of relationships between public officials and businesses.

The library is the product; the ``graphrisk`` command is a thin layer over it::

    import graphrisk
    case = graphrisk.open("dept.db")
    case.ingest("registers/")
    case.flags(level="orange").to_dict()
    case.paths(official="O000123").paths
    G = case.graph(since="2026-01-01")      # networkx MultiDiGraph
"""
import os as _os

# igraph's OpenMP runs one thread unless the user says otherwise, set before igraph is first imported: its
# results then do not depend on the thread count, PageRank was 2-20x slower with threads on a busy 2-core
# machine (measured), and a process whose OpenMP started worker threads cannot fork safely
# (graphrisk.forking.can_fork).
_os.environ.setdefault("OMP_NUM_THREADS", "1")

from .api import Case, FlagsResult, PathsResult, open  # noqa: E402
from .errors import GraphRiskError, InputError, NotFound, SettingsError, StoreError  # noqa: E402
from .store import connect  # noqa: E402


def __getattr__(name: str):
    """``graphrisk.Evaluation`` and ``graphrisk.evaluation``, imported when first asked for: the engine brings
    networkx and the rules, which an ingest or ``graphrisk info`` never uses (0.1 s of every such command)."""
    if name in ("Evaluation", "evaluation"):
        from . import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'graphrisk' has no attribute '{name}'")

__all__ = ["Case", "Evaluation", "FlagsResult", "GraphRiskError", "InputError", "NotFound", "PathsResult",
           "SettingsError", "StoreError", "connect", "evaluation", "open"]
__version__ = "0.1.0"
