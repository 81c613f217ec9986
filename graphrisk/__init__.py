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


def _sqlite_utils_without_pandas() -> None:
    """Import sqlite-utils with pandas out of its sight, unless pandas is already imported.

    sqlite-utils imports pandas as it is imported (with pyarrow: 0.3 s and 75 MB of every process), only to
    store pandas Timestamps as TEXT when it guesses a column's type; graphrisk gives it Python values. So
    the analyses (flags, paths, centrality, report, maps) never load pandas, and the processes they fork
    share less; an ingest imports pandas itself when it reads a file. In a session that imported pandas
    first, nothing changes."""
    import sys

    if "sqlite_utils" in sys.modules or "pandas" in sys.modules:
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]  # an import of it fails (the documented way)
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["pandas"]


_sqlite_utils_without_pandas()

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
