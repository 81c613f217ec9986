"""Officials whose PageRank or brokerage rose most between two dates.

Values come from ``graphrisk.analysis.centrality`` (its definitions: PageRank
on the undirected simple projection, brokerage as the number of companies an
official brokers). Each date's values are a stored centrality run (kind
``centrality``, officials only) with that ``as_of`` on the same data and
settings; missing ones are computed and stored, so the next report reuses
them. PageRank is reported relative to the average node (value × nodes,
1.0 = average), so two graphs of different sizes compare.
"""
from __future__ import annotations

import json

from .. import store

MEASURES = ("pagerank", "brokerage")


def stored_run(db, as_of: str, settings: dict) -> int | None:
    """The stored centrality run with the movers' measures of officials as of a date, for these settings."""
    if "runs" not in db.table_names():
        return None
    from .snapshots import same_settings

    for row in db.query("select id, params, settings from runs where kind = 'centrality' and as_of = ? "
                        "and since is null and until is null and data_version = ? and seconds is not null "
                        "order by id desc", [as_of, store.data_version(db)]):
        if not same_settings(row["settings"], settings, ("centrality",)):
            continue
        p = json.loads(row["params"] or "{}")
        if p.get("kind") == "official" and set(MEASURES) <= set(p.get("measures") or []):
            return row["id"]
    return None


def centrality_run(db, as_of: str, settings: dict, graph_of, store_runs: bool = True,
                   computed=None) -> tuple[dict, dict, bool]:
    """({measure: {official: value}}, params, cached) as of a date; ``graph_of(as_of)`` gives the graph if needed,
    ``computed`` is the result when it was computed ahead (``Snapshots.prefetch``)."""
    from ..analysis import centrality as c

    run_id = stored_run(db, as_of, settings)
    if run_id is not None:
        params = c.run_params(db, run_id)
        return {m: c.load_run(db, run_id, m) for m in MEASURES}, params, True
    res = computed if computed is not None else \
        c.compute(graph_of(as_of), list(MEASURES), kind="official", settings=settings, check_error=False)
    if store_runs:
        c.store_run(db, res, params={"by": "report"}, settings=settings)
    return {m: dict(res.values[m]) for m in MEASURES}, res.params(), False


def _ranks(values: dict) -> dict:
    order = sorted(values, key=lambda o: (-values[o], str(o)))
    return {o: i + 1 for i, o in enumerate(order)}


def movers(before: dict, before_params: dict, after: dict, after_params: dict, names: dict, top: int) -> dict:
    """Per measure, the ``top`` officials whose value rose most (rises only), with their ranks now and before.

    ``names``: official -> (name, unit_id, unit name).
    """
    out = {}
    n_b = (before_params.get("graph") or {}).get("nodes") or 1
    n_a = (after_params.get("graph") or {}).get("nodes") or 1
    for m in MEASURES:
        a, b = dict(after.get(m, {})), dict(before.get(m, {}))
        if m == "pagerank":
            a = {k: v * n_a for k, v in a.items()}
            b = {k: v * n_b for k, v in b.items()}
        ra, rb = _ranks(a), _ranks(b)
        rows = []
        for o, v in a.items():
            d = round(v - b.get(o, 0.0), 4)
            if d > 0:
                name, uid, unit = names.get(o, (o, None, None))
                rows.append({"official_id": o, "name": name, "unit_id": uid, "unit": unit, "value": round(v, 4),
                             "previous": round(b.get(o, 0.0), 4), "change": d, "rank": ra.get(o),
                             "previous_rank": rb.get(o)})
        rows.sort(key=lambda r: (-r["change"], -r["value"], str(r["official_id"])))
        out[m] = rows[:top]
    return out
