"""The register's own amounts, per edge kind and currency, read once per graph: what the amount scales
(:mod:`graphrisk.rules.scale`) judge each gift, trip or contract against. A window of the graph
selects them from its whole graph's (:func:`amount_plan`) instead of reading its edges again.
"""
from __future__ import annotations

import weakref


def _amounts(edges) -> dict:
    """``{(kind, currency as written): [amount, ...]}`` of positive amounts, each record once per kind."""
    out: dict = {}
    seen = set()
    for e in edges:
        d = e[3]
        amt = d.get("amount")
        if amt is None or amt <= 0 or (d["kind"], d.get("record_id")) in seen:
            continue
        seen.add((d["kind"], d.get("record_id")))
        out.setdefault((d["kind"], d.get("currency")), []).append(float(amt))
    return out


def add_table_amounts(edges: list, into: dict, seen: dict) -> None:
    """Add the positive amounts of one stored kind's engine edges (:class:`graphrisk.engine.build.EdgeData`, as
    ``iter_edges`` makes them) to ``into`` (``{(kind, currency as written): [amount, ...]}``), each record once
    per kind (``seen``: kind -> record ids): what :func:`_amounts` reads from every edge, taken while the
    edges are made. A table without an amount column is passed over whole (no derived field sets an amount
    other than None), the others read from their rows by position: scale 10, 0.42-0.44 s of reading before
    an evaluation's fork to a few hundredths of a second within the load."""
    if not edges:
        return
    index = edges[0][3]._t.index  # one table: its edges share its row layout
    ia, ir, ic = index.get("amount"), index.get("record_id"), index.get("currency")
    if ia is None:
        return
    for e in edges:
        d = e[3]
        x, r = d._x, d._r
        amt = x["amount"] if "amount" in x else r[ia]
        if amt is None or amt <= 0:
            continue
        kind = x["kind"]
        record = x["record_id"] if "record_id" in x else (None if ir is None else r[ir])
        ids = seen.setdefault(kind, set())
        if record in ids:
            continue
        ids.add(record)
        currency = x["currency"] if "currency" in x else (None if ic is None else r[ic])
        into.setdefault((kind, currency), []).append(float(amt))


class _AmountPlan:
    """Every positive amount of a whole graph with its edge position, (kind, currency) and (kind, record id):
    a window's :func:`_amounts` is then a selection, the same lists as a walk over the window's edges."""

    def __init__(self, G):
        import numpy as np

        pos, group, record, amount = [], [], [], []
        groups: dict = {}
        records: dict = {}
        for i, e in enumerate(G.edges(keys=True, data=True)):
            d = e[3]
            amt = d.get("amount")
            if amt is None or amt <= 0:
                continue
            kind = d["kind"]
            pos.append(i)
            group.append(groups.setdefault((kind, d.get("currency")), len(groups)))
            record.append(records.setdefault((kind, d.get("record_id")), len(records)))
            amount.append(float(amt))
        self.keys = list(groups)
        self.pos = np.asarray(pos, dtype=np.int64)
        self.group, self.record = np.asarray(group, dtype=np.int64), np.asarray(record, dtype=np.int64)
        self.amount = amount
        self.edges = G.number_of_edges()

    def select(self, keep) -> dict:
        """:func:`_amounts` of the edges at positions ``keep`` (in order)."""
        import numpy as np

        inside = np.zeros(self.edges, dtype=bool)
        inside[np.asarray(keep, dtype=np.int64)] = True
        at = np.flatnonzero(inside[self.pos])
        _, first = np.unique(self.record[at], return_index=True)  # each record once per kind: its first edge
        at = np.sort(at[first])
        out: dict = {}
        keys, amount = self.keys, self.amount
        for g, i in zip(self.group[at].tolist(), at.tolist()):
            out.setdefault(keys[g], []).append(amount[i])
        return out


_GRAPH_AMOUNTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PLANS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def amount_plan(whole) -> _AmountPlan:
    """The whole graph's amounts by edge position, read once (before forking workers that make windows)."""
    plan = _PLANS.get(whole)
    if plan is None or plan.edges != whole.number_of_edges():
        plan = _PLANS[whole] = _AmountPlan(whole)
    return plan


def _window_amounts(G) -> dict | None:
    """:func:`_amounts` of a window of a whole graph (``G.base()``), selected from the whole graph's plan."""
    base = G.base() if hasattr(G, "base") else None
    if base is None:
        return None
    whole, keep = base
    return amount_plan(whole).select(keep)


def known_amounts(G, amounts: dict) -> None:
    """Record the amounts of every edge of ``G`` read while it was made (:func:`add_table_amounts`):
    the same lists :func:`_amounts` would read from its edges, which :func:`graph_amounts` then gives."""
    _GRAPH_AMOUNTS[G] = (G.number_of_edges(), amounts)


def graph_amounts(G) -> dict:
    """The amounts of every edge of ``G`` (:func:`_amounts`), read once per graph and edge count: the path
    search and the rules share them instead of each walking 700,000 edges."""
    size = G.number_of_edges()
    try:
        hit = _GRAPH_AMOUNTS.get(G)
    except TypeError:  # not weak-referenceable
        return _amounts(G.edges(keys=True, data=True))
    if hit is None or hit[0] != size:
        window = _window_amounts(G)
        hit = (size, window if window is not None else _amounts(G.edges(keys=True, data=True)))
        _GRAPH_AMOUNTS[G] = hit
    return hit[1]
