"""IQR fences: the threshold a rule derives from the data when settings give none (and reports)."""
from __future__ import annotations

import statistics


def iqr_fence(values: list[float], k: float = 1.5) -> float | None:
    """Q3 + k * IQR of ``values``; None with fewer than 4 values."""
    if len(values) < 4:
        return None
    q = statistics.quantiles(sorted(values), n=4, method="inclusive")
    return q[2] + k * (q[2] - q[0])
