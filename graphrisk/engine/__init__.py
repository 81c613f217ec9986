"""The one evaluation engine: graph → paths → rules → levels, computed once per data version, window
and settings, stored, and reused by every output (flags, paths, maps, the report, explain, exports).

``evaluation(db, ...)`` is the only way outputs obtain flags and paths, so the paths the rules cite
are the paths every output shows. The graph it computes on is built straight from the store by the
one generic builder (:mod:`graphrisk.engine.build`) into a compact multigraph
(:mod:`graphrisk.engine.lite`); centrality and communities run on integer edge arrays
(:mod:`graphrisk.engine.arrays`).
"""
from __future__ import annotations

from .evaluate import Evaluation, evaluation, load_evaluation, load_flags, load_paths, store_evaluation

__all__ = ["Evaluation", "evaluation", "load_evaluation", "load_flags", "load_paths", "store_evaluation"]
