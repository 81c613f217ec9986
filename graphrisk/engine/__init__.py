"""The one evaluation engine: graph → paths → rules → levels, computed once per data version, window
and settings, stored, and reused by every output (flags, paths, maps, the report, explain, exports).

``evaluation(db, ...)`` is the only way outputs obtain flags and paths, so the paths the rules cite
are the paths every output shows.
"""
from __future__ import annotations

from .evaluate import Evaluation, evaluation

__all__ = ["Evaluation", "evaluation"]
