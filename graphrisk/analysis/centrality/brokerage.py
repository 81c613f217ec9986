"""Brokerage: the companies an official ties together that are not otherwise connected."""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from .._igraph import _distinct, neighbours

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
    if backend != "networkx":
        return _detail_arrays(neighbours(G))
    H = _simple(G)  # the per-official loop: the reference the array passes are held to
    officials = sorted((n for n, d in G.nodes(data=True) if d.get("kind") == "official"), key=str)
    companies = {n for n, d in G.nodes(data=True) if d.get("kind") == "company"}
    out = {}
    for o in officials:
        comps = [x for x in H.adj[o] if x in companies]
        d = len(comps)
        entry = {"companies": 0, "pairs": 0, "adjacent_companies": d, "brokered": []}
        if d >= 2:
            cset = set(comps)
            partners: dict = {a: set() for a in comps}
            groups: dict = defaultdict(list)
            for a in comps:
                for w in H.adj[a]:
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
                    brokered.append(a)
            entry["pairs"] = d * (d - 1) // 2 - connected // 2
            entry["companies"] = len(brokered)
            entry["brokered"] = sorted(brokered, key=str)
        out[o] = entry
    return out


MAX_PAIRS = 4_000_000  # company pairs made at once (a few tens of MB); one official's may exceed it


def _detail_arrays(view) -> dict:
    """:func:`brokerage_detail` over a neighbour view in array passes, the same values as the loop above
    (``tests/test_centrality.py`` holds it to the loop): every (official, company, neighbour) triple at once,
    then the company pairs each neighbour joins, counted per official. Scale 10 (109,000 official-company rows,
    900,000 triples): the loop's 0.7-1.25 s to 0.35-0.55 s (scipy's import, once, 0.2 s more)."""
    n = len(view.nodes)
    names = view.nodes
    indptr, indices = view.indptr, view.indices
    is_official, is_company = view.kinds == "official", view.kinds == "company"
    deg = np.diff(indptr)
    src = np.repeat(np.arange(n, dtype=np.int64), deg)
    oc = is_official[src] & is_company[indices]
    o_of, a_of = src[oc], indices[oc]
    order = np.lexsort((a_of, o_of))
    o_of, a_of = o_of[order], a_of[order]
    d = np.bincount(o_of, minlength=n)
    rows = np.flatnonzero(d[o_of] >= 2)  # (official, company) rows of officials with two companies or more
    o_of, a_of = o_of[rows], a_of[rows]
    partners = _partner_counts(n, indptr, indices, o_of, a_of)
    brokered = partners < d[o_of] - 1
    connected = np.bincount(o_of, weights=partners, minlength=n).astype(np.int64)
    firsts = np.searchsorted(o_of, np.arange(n + 1))
    out = {}
    for o in np.flatnonzero(is_official).tolist():
        k = int(d[o])
        entry = {"companies": 0, "pairs": 0, "adjacent_companies": k, "brokered": []}
        if k >= 2:
            lo, hi = firsts[o], firsts[o + 1]
            mine = sorted((names[a] for a in a_of[lo:hi][brokered[lo:hi]].tolist()), key=str)
            entry.update(companies=len(mine), pairs=k * (k - 1) // 2 - int(connected[o]) // 2, brokered=mine)
        out[names[o]] = entry
    return out


def _partner_counts(n: int, indptr, indices, o_of, a_of) -> np.ndarray:
    """For each (official, company) row, how many of the official's other companies are otherwise connected to
    it: tied to it, or sharing a neighbour that is neither the official nor one of its companies.

    Each tie between two of the official's companies is a group of their two rows, and each such shared
    neighbour a group of its companies' rows; a row's partners are the distinct rows it shares a group
    with: the row sums of the sparse product of the group-row incidence with itself (boolean, so nothing
    is counted twice). Officials are taken in chunks of at most ``MAX_PAIRS`` pairs."""
    from scipy import sparse

    rows = len(a_of)
    lens = np.diff(indptr)[a_of]
    row = np.repeat(np.arange(rows, dtype=np.int64), lens)  # (row, neighbour of its company), row ascending
    w = indices[np.repeat(indptr[a_of] - np.cumsum(lens) + lens, lens) + np.arange(len(row), dtype=np.int64)]
    key = o_of[row] * n + w
    keep = w != o_of[row]
    row, key = row[keep], key[keep]
    own = o_of * n + a_of  # ascending: the rows are in (official, company) order
    at = np.minimum(np.searchsorted(own, key), rows - 1)
    tied = own[at] == key
    pair_rows, pair_other = row[tied], at[tied]
    row, key = row[~tied], key[~tied]
    order = np.argsort(key, kind="stable")
    row, key = row[order], key[order]
    first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    size = np.diff(np.append(first, len(key)))
    shared = np.repeat(size >= 2, size)
    member, group = row[shared], np.repeat(np.arange(len(size)), size)[shared]
    # incidence entries (group, row): shared neighbours, then each tie as a group of its two rows
    group = np.concatenate((group, np.tile(len(size) + np.arange(len(pair_rows)), 2)))
    member = np.concatenate((member, pair_rows, pair_other))
    official = o_of[member]
    big = size[size >= 2]  # each member of a group of m makes m pairs, each row of a tie two
    cost = np.bincount(official, weights=np.concatenate((np.repeat(big, big), np.full(2 * len(pair_rows), 2))),
                       minlength=n)
    chunk_of = (np.cumsum(cost) // MAX_PAIRS)[official]
    counts = np.zeros(rows, dtype=np.int64)
    groups = len(size) + len(pair_rows)
    for chunk in _distinct(chunk_of).tolist():
        pick = chunk_of == chunk
        g, m = group[pick], member[pick]
        lo, hi = int(m.min()), int(m.max()) + 1
        M = sparse.csr_matrix((np.ones(len(g), dtype=bool), (g, m - lo)), shape=(groups, hi - lo))
        together = (M.T.tocsr() @ M).indptr
        counts[lo:hi] = np.diff(together) - (np.bincount(m - lo, minlength=hi - lo) > 0)
    return counts
