"""KADABRA adaptive-sampling betweenness (Borassi and Natale, ESA 2016), compiled with numba.

Why not networkit's: its KADABRA first computes the graph's exact diameter, only to put its
logarithm into the sample bound. On the scale-10 sample world (145,128 nodes) that step alone takes
about 12 of its 14.6 s, and it grows faster than the graph (scale 50 did not finish in 17 minutes).
Any upper bound on the diameter keeps the guarantee, so this one uses twice the largest distance
from one root per component (one breadth-first search), which loosens the bound by a few per cent.

The estimator is the paper's: sample a pair of distinct nodes uniformly, a shortest path between
them uniformly (balanced bidirectional breadth-first search), and count the path's inner nodes. It
stops once every node's value is within ``eps`` of the exact one with probability ``1 - delta``.
One thread and a seeded generator: the same graph, settings and seed give the same values.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

START_FACTOR = 100      # the first 1/START_FACTOR of the bound's samples only guide the error split
BALANCING = 0.001       # the share of delta spread evenly over the nodes (the paper's balancing factor)
CHECK_EVERY = 64        # samples between two checks of the stopping rule


def _compiled(fn):
    """Compile ``fn`` with numba, caching the machine code beside this module (or numba's user cache)
    so a fresh process loads it in a fraction of a second; where neither can be written, compile anew."""
    try:
        return njit(cache=True)(fn)
    except RuntimeError:
        return njit(fn)


def csr(n: int, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Undirected adjacency of the edges ``a[i] - b[i]`` as (indptr, indices), neighbours sorted by id."""
    src = np.concatenate((a, b)).astype(np.int64)
    dst = np.concatenate((b, a)).astype(np.int64)
    order = np.lexsort((dst, src))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst[order].astype(np.int32)


@_compiled
def _components(indptr, indices, n):
    """Component of every node, and an upper bound on the diameter: twice the largest distance from a root."""
    comp = np.full(n, -1, np.int32)
    dist = np.zeros(n, np.int32)
    queue = np.empty(n, np.int32)
    far = 0
    c = 0
    for root in range(n):
        if comp[root] >= 0:
            continue
        comp[root] = c
        queue[0] = root
        head, tail = 0, 1
        while head < tail:
            x = queue[head]
            head += 1
            for k in range(indptr[x], indptr[x + 1]):
                y = indices[k]
                if comp[y] < 0:
                    comp[y] = c
                    dist[y] = dist[x] + 1
                    far = max(far, dist[y])
                    queue[tail] = y
                    tail += 1
        c += 1
    return comp, 2 * far


@_compiled
def _walk(node, root, indptr, indices, ball, dist, sigma, counts):
    """Count the nodes of a uniformly drawn shortest path from ``node`` back to ``root``, ``root`` excluded."""
    while node != root:
        counts[node] += 1.0
        r = np.random.random() * sigma[node]
        acc = 0.0
        pick = -1
        for k in range(indptr[node], indptr[node + 1]):
            p = indices[k]
            if ball[p] == ball[node] and dist[p] == dist[node] - 1:
                pick = p
                acc += sigma[p]
                if acc > r:
                    break
        node = pick


@_compiled
def _sample(indptr, indices, comp, n, ball, dist, sigma, queue, counts):
    """One sample: a random pair, a random shortest path between them, its inner nodes counted."""
    u = np.random.randint(0, n)
    v = np.random.randint(0, n)
    while v == u:
        v = np.random.randint(0, n)
    if comp[u] != comp[v]:
        return
    ball[u], ball[v] = 1, 2
    dist[u], dist[v] = 0, 0
    sigma[u], sigma[v] = 1.0, 1.0
    queue[0], queue[1] = u, v
    end = 2
    start_u, end_u, start_v, end_v = 0, 1, 1, 2
    deg_u = indptr[u + 1] - indptr[u]
    deg_v = indptr[v + 1] - indptr[v]
    total = 0.0
    mx, my = -1, -1
    while True:
        if deg_u <= deg_v:   # grow the ball whose frontier has fewer edges to scan
            side, lo, hi = 1, start_u, end_u
        else:
            side, lo, hi = 2, start_v, end_v
        first = end
        grown = 0
        for i in range(lo, hi):
            x = queue[i]
            for k in range(indptr[x], indptr[x + 1]):
                y = indices[k]
                if ball[y] == 0:
                    ball[y] = side
                    dist[y] = dist[x] + 1
                    sigma[y] = sigma[x]
                    queue[end] = y
                    end += 1
                    grown += indptr[y + 1] - indptr[y]
                elif ball[y] != side:
                    # an edge where the balls meet: keep one, drawn by its number of shortest paths
                    w = sigma[x] * sigma[y]
                    total += w
                    if np.random.random() * total < w:
                        mx, my = x, y
                elif dist[y] == dist[x] + 1:
                    sigma[y] += sigma[x]
        if side == 1:
            start_u, end_u, deg_u = first, end, grown
        else:
            start_v, end_v, deg_v = first, end, grown
        if total > 0.0 or grown == 0:
            break
    if total > 0.0:
        ru, rv = (u, v) if ball[mx] == 1 else (v, u)
        _walk(mx, ru, indptr, indices, ball, dist, sigma, counts)
        _walk(my, rv, indptr, indices, ball, dist, sigma, counts)
    for i in range(end):
        ball[queue[i]] = 0


@_compiled
def _lower(b, tau, omega, log_d):
    tmp = omega / tau - 1.0 / 3.0
    return min(log_d / tau * (-tmp + math.sqrt(tmp * tmp + 2.0 * b * omega / log_d)), b)


@_compiled
def _upper(b, tau, omega, log_d):
    tmp = omega / tau + 1.0 / 3.0
    return min(log_d / tau * (tmp + math.sqrt(tmp * tmp + 2.0 * b * omega / log_d)), 1.0 - b)


@_compiled
def _run(indptr, indices, comp, n, samples, seed, counts, log_d, omega, eps, adaptive):
    """Draw samples into ``counts`` until the stopping rule holds (``adaptive``) or ``samples`` are drawn."""
    np.random.seed(seed)
    ball = np.zeros(n, np.int8)
    dist = np.zeros(n, np.int32)
    sigma = np.zeros(n, np.float64)
    queue = np.empty(n, np.int32)
    tau = 0
    resume = 0   # where the last check found a node not yet within eps: it is checked first next time
    while tau < samples:
        _sample(indptr, indices, comp, n, ball, dist, sigma, queue, counts)
        tau += 1
        if adaptive and (tau % CHECK_EVERY == 0 or tau == samples):
            done = True
            for j in range(n):
                i = (resume + j) % n
                b = counts[i] / tau
                if _lower(b, tau, omega, log_d[i]) >= eps or _upper(b, tau, omega, log_d[i]) >= eps:
                    resume = i
                    done = False
                    break
            if done:
                break
    return tau


def _delta_split(first: np.ndarray, n: int, eps: float, delta: float) -> np.ndarray:
    """log(1 / delta_v) for every node: the paper's split of delta, guided by the first estimates (one value
    serves the lower and the upper bound, since both are held to the same eps)."""
    b = 1.0 / eps / eps * math.log(n * 4 * (1 - BALANCING) / delta)
    a = 0.0
    pos = first > 0
    inv = np.zeros(n)
    inv[pos] = eps * eps / first[pos]
    while b - a > eps / 10.0:
        c = (a + b) / 2.0
        total = 2.0 * float(np.exp(-c * inv[pos]).sum())
        if total >= delta / 2.0 * (1 - BALANCING):
            a = c
        else:
            b = c
    guess = np.where(pos, np.exp(-b * inv), 0.0) + delta * BALANCING / 4.0 / n
    return -np.log(guess)


def kadabra(n: int, a: np.ndarray, b: np.ndarray, eps: float, delta: float, seed: int) -> tuple[np.ndarray, int]:
    """Betweenness of the undirected graph with edges ``a[i] - b[i]``, normalised as igraph's exact value
    over ``(n - 1)(n - 2) / 2``, and the number of samples drawn."""
    if n < 3:
        return np.zeros(n), 0
    indptr, indices = csr(n, np.asarray(a), np.asarray(b))
    comp, diameter = _components(indptr, indices, n)
    omega = 0.5 / eps / eps * (math.log2(max(diameter, 2) - 1) + 1 + math.log(0.5 / delta))
    first_n = max(1, int(omega / START_FACTOR))
    counts = np.zeros(n)
    _run(indptr, indices, comp, n, first_n, seed, counts, counts, omega, eps, False)
    log_d = _delta_split(counts / first_n, n, eps, delta)
    counts = np.zeros(n)
    tau = _run(indptr, indices, comp, n, math.ceil(omega), seed + 1, counts, log_d, omega, eps, True)
    # a sample is an ordered pair of distinct nodes; exact betweenness counts each unordered pair of
    # the n - 1 other nodes once: n(n - 1) / ((n - 1)(n - 2)) = n / (n - 2)
    return counts / tau * (n / (n - 2)), first_n + tau
