"""graphrisk's KADABRA: within its stated error of exact betweenness, reproducible, and its parts sound."""
from __future__ import annotations

import random

import igraph as ig
import numpy as np
import pytest

from graphrisk.analysis.centrality.kadabra import _components, csr, kadabra


def _exact(g: ig.Graph) -> np.ndarray:
    n = g.vcount()
    return np.asarray(g.betweenness(directed=False), dtype=float) / ((n - 1) * (n - 2) / 2)


def _edges(g: ig.Graph) -> tuple[np.ndarray, np.ndarray]:
    el = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    return el[:, 0], el[:, 1]


def _graphs() -> dict[str, ig.Graph]:
    random.seed(11)  # igraph draws its random graphs from Python's generator
    rng_graph = ig.Graph.Erdos_Renyi(n=400, m=900)
    rng_graph.simplify()
    # many equal shortest paths: a path drawn with the wrong odds shows up here first
    lattice = ig.Graph.Lattice([14, 14], circular=False)
    # a hub-and-spoke world with leaves and several components, like registers of units and suppliers
    star = ig.Graph.Barabasi(300, 2)
    star.add_vertices(60)
    star.add_edges([(300 + i, 300 + (i + 1) % 20) for i in range(20)] + [(330 + i, 331 + i) for i in range(20)])
    tree = ig.Graph.Tree(255, 2)
    return {"random": rng_graph, "lattice": lattice, "hubs and components": star, "tree": tree}


@pytest.mark.parametrize("name", list(_graphs()))
def test_every_value_is_within_epsilon_of_exact(name):
    g = _graphs()[name]
    exact = _exact(g)
    eps = 0.02
    est, samples = kadabra(g.vcount(), *_edges(g), eps, 0.01, seed=5)
    assert samples > 0
    assert np.max(np.abs(est - exact)) < eps
    # and not merely within the bound: the largest values are found, in roughly the right order
    top = np.argsort(-exact)[:5]
    assert np.corrcoef(est[top], exact[top])[0, 1] > 0.5 or np.ptp(exact[top]) < eps


def test_a_tighter_bound_draws_more_samples_and_comes_closer():
    g = _graphs()["lattice"]
    exact = _exact(g)
    loose, n_loose = kadabra(g.vcount(), *_edges(g), 0.03, 0.1, seed=1)
    tight, n_tight = kadabra(g.vcount(), *_edges(g), 0.005, 0.1, seed=1)
    assert n_tight > 4 * n_loose
    assert np.abs(tight - exact).mean() < np.abs(loose - exact).mean()
    assert np.max(np.abs(tight - exact)) < 0.005


def test_same_seed_same_values_other_seed_other_samples():
    g = _graphs()["hubs and components"]
    a = kadabra(g.vcount(), *_edges(g), 0.02, 0.1, seed=3)
    b = kadabra(g.vcount(), *_edges(g), 0.02, 0.1, seed=3)
    c = kadabra(g.vcount(), *_edges(g), 0.02, 0.1, seed=4)
    assert a[1] == b[1] and np.array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


def test_pairs_in_different_components_count_as_samples_without_a_path():
    # two triangles joined by nothing and a path a-b-c: only b lies between anyone
    g = ig.Graph(n=7, edges=[(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (6, 6)])
    g.simplify()
    g.add_vertices(3)
    g.add_edges([(7, 8), (8, 9)])
    est, _ = kadabra(g.vcount(), *_edges(g), 0.01, 0.05, seed=2)
    exact = _exact(g)
    assert exact[8] > 0 and np.count_nonzero(exact) == 1
    assert abs(est[8] - exact[8]) < 0.01 and np.count_nonzero(est) == 1


def test_tiny_and_empty_graphs():
    assert kadabra(0, np.zeros(0, int), np.zeros(0, int), 0.01, 0.1, 0)[0].shape == (0,)
    assert kadabra(2, np.array([0]), np.array([1]), 0.01, 0.1, 0)[0].tolist() == [0.0, 0.0]
    est, _ = kadabra(5, np.zeros(0, int), np.zeros(0, int), 0.05, 0.1, 0)
    assert est.tolist() == [0.0] * 5


@pytest.mark.parametrize("name", list(_graphs()))
def test_adjacency_and_diameter_bound(name):
    g = _graphs()[name]
    n = g.vcount()
    indptr, indices = csr(n, *_edges(g))
    for v in range(n):
        assert indices[indptr[v]:indptr[v + 1]].tolist() == sorted(g.neighbors(v))
    comp, bound = _components(indptr, indices, n)
    membership = g.connected_components().membership
    # same partition, whatever the labels
    pairs = {(int(c), m) for c, m in zip(comp, membership)}
    assert len(pairs) == len(set(membership)) == len(set(comp.tolist()))
    diameter = max(g.diameter(directed=False, unconn=True), 1)
    assert diameter <= bound <= 2 * diameter
