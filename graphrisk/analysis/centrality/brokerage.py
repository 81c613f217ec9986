"""Brokerage: the companies an official ties together that are not otherwise connected."""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from .._igraph import neighbours

from ._base import _check_backend, _simple

if TYPE_CHECKING:  # networkx is loaded where a function calls it: the engine's graph needs none of it
    import networkx as nx

# ---------------------------------------------------------------- brokerage

def brokerage(G: nx.Graph, *, backend: str = "igraph") -> dict:
    """Number of companies each official brokers: ``{official: count}``.

    Let ``C(o)`` be the companies tied to official ``o`` by any record, in
    either direction. Two companies ``a, b`` of ``C(o)`` are *otherwise
    connected* when they are tied to each other or share a neighbour other
    than ``o`` (a path of length ≤ 2 not through ``o``: a common supplier
    unit, owner, director, ...). ``o`` brokers ``a`` when some ``b`` in
    ``C(o)`` is not otherwise connected to ``a``: without ``o``, ``a`` and
    ``b`` would be at least three steps apart. The value is the number of
    brokered companies; the number of brokered pairs is in
    :func:`brokerage_detail`. Cost: the sum, over officials, of the degrees
    of their companies.
    """
    return {o: d["companies"] for o, d in brokerage_detail(G, backend=backend).items()}


def brokerage_detail(G: nx.Graph, *, backend: str = "igraph") -> dict:
    """``{official: {"companies", "pairs", "adjacent_companies", "brokered"}}`` (see :func:`brokerage`)."""
    _check_backend(backend)
    if backend == "networkx":
        H = _simple(G)
        nbrs = lambda x: H.adj[x]  # noqa: E731
        officials = sorted((n for n, d in G.nodes(data=True) if d.get("kind") == "official"), key=str)
        is_company = {n for n, d in G.nodes(data=True) if d.get("kind") == "company"}.__contains__
        name = lambda x: x  # noqa: E731
    else:
        view = neighbours(G)
        nbrs = view.of
        officials = np.flatnonzero(view.kinds == "official").tolist()
        is_company = (view.kinds == "company").tolist().__getitem__
        name = view.nodes.__getitem__
    out = {}
    for o in officials:
        comps = [x for x in nbrs(o) if is_company(x)]
        d = len(comps)
        entry = {"companies": 0, "pairs": 0, "adjacent_companies": d, "brokered": []}
        if d >= 2:
            cset = set(comps)
            partners: dict = {a: set() for a in comps}
            groups: dict = defaultdict(list)
            for a in comps:
                for w in nbrs(a):
                    if w == o:
                        continue
                    if w in cset:
                        partners[a].add(w)
                    else:
                        groups[w].append(a)
            for members in groups.values():
                if len(members) > 1:
                    ms = set(members)
                    for a in members:
                        partners[a] |= ms
            connected = 0
            brokered = []
            for a in comps:
                partners[a].discard(a)
                connected += len(partners[a])
                if len(partners[a]) < d - 1:
                    brokered.append(name(a))
            entry["pairs"] = d * (d - 1) // 2 - connected // 2
            entry["companies"] = len(brokered)
            entry["brokered"] = sorted(brokered, key=str)
        out[name(o)] = entry
    return out
