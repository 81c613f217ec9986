"""Deterministic synthetic "sample worlds": a Chinese prefecture-level city (by default Jan-Nov 2026, CNY).

``generate(out_dir, scale, seed, params)`` writes one CSV per input kind (the columns of
``shared/spec/input-format.md``) plus ``truth.json``, which lists the planted
conflict-of-interest patterns (with their variant and expected level) and the decoys that must not be
flagged. ``Params`` changes currency, amount scale, direct-award limit, density, period, noise and the
variants planted, so that detection can be measured on worlds it was not tuned on (docs/sample.md,
bench/bench_quality.py).

Modules: ``params`` (parameters, patterns), ``vocab`` (names and words), ``util`` (vectorised helpers),
``names`` (names and codes), ``world`` (units, officials, relatives, companies, people),
``background`` (records that form no conflict), ``planting`` (helpers and the planting loop),
``patterns`` (one function per conflict pattern and decoy), ``foreign`` (foreign-affairs office, trips
abroad, foreign counterparts and their patterns), ``writing`` (ids, messy values, files, truth),
``quality`` (flags scored against the truth).

How the background is kept free of chance patterns
--------------------------------------------------
Every background party that has a *private* tie to officials (a gift, a dinner,
a sponsored trip, a friendship, shares held by a relative) is given one
"target unit" and only ever touches officials (or their relatives) of that
unit. A supplier company's target is never a unit it supplies, and each
business person belongs to exactly one company. So the private graph splits
into one island per unit, and no island holds a company from that unit's
supplier pool: no path of any length links an official to a supplier of their
own unit except through office contacts (meeting/call/visit). Relatives hold
shares in, or work for, only non-supplier companies. Officials used by planted
patterns and decoys get no background private ties at all (only their family,
government trips without companions, and office contacts with other officials),
so the paths around them are exactly the planted ones. Decisions go to the
unit's own pool (or to people whose private ties are with another unit); trade
delegations take people of companies of the official's own island, which never
supply the official's unit.

Everything is vectorised with numpy; loops run only over the planted patterns.
"""
from __future__ import annotations

import time
from pathlib import Path

from ..errors import GraphRiskError
from .params import (
    DIRECT_AWARD_THRESHOLD,
    FILES,
    MIN_SCALE,
    PATTERN_SPECS,
    PATTERNS,
    PERIOD_END,
    PERIOD_START,
    SPECS,
    Params,
)
from .world import World

__all__ = ["DIRECT_AWARD_THRESHOLD", "FILES", "MIN_SCALE", "PATTERN_SPECS", "PATTERNS", "PERIOD_END", "PERIOD_START",
           "SPECS", "Params", "generate"]


def generate(out_dir, scale: float = 1.0, seed: int = 42, params: Params | None = None) -> dict:
    """Write one CSV per input kind (``FILES``) and truth.json into out_dir; return a summary dict
    {"rows": {kind: n}, "total_rows": n, "seconds": s, "truth": path}.

    ``params`` (a ``Params``) sets currency, amount scale, direct-award limit, density, period, noise
    and the planted variants; the default is the demo's world. Below ``MIN_SCALE`` the city is too
    small to hold every planted pattern and decoy.
    """
    if not scale >= MIN_SCALE:
        raise GraphRiskError(f"scale {scale:g} is too small: the sample world needs at least {MIN_SCALE:g} "
                             f"to plant every pattern")
    t0 = time.perf_counter()
    w = World(scale, seed, params)
    w.build_units()
    w.build_officials()
    w.choose_planted()
    w.build_relatives()
    w.build_companies()
    w.build_others()
    w.build_foreign()
    w.plant()
    w.background_contracts()
    w.background_decisions()
    w.background_gifts()
    w.background_contacts()
    w.background_trips()
    w.background_abroad()
    w.assign_ids()
    out = Path(out_dir)
    rows = w.write(out)
    return {"rows": rows, "total_rows": int(sum(rows.values())), "seconds": round(time.perf_counter() - t0, 3),
            "truth": str(out / "truth.json")}
