"""Betweenness centrality (ecolib.foundations.network.betweenness, networkit) against networkx's
exact ``betweenness_centrality(normalized=True, weight=...)``: small graphs of every shape
(disconnected, weighted, directed, ties, one node, no edge), the exact path far above the old
5,000-node limit, and the seeded pivot estimate (repeatable, unbiased, exact with every node a
pivot)."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecolib.foundations import network


def _reference(n, a, b, length, directed=False):
    """networkx on the graph of the edges (only nodes with an edge count in the normalisation;
    of parallel edges the shortest)."""
    G = nx.DiGraph() if directed else nx.Graph()
    for u, v, w in zip(np.asarray(a).tolist(), np.asarray(b).tolist(), np.asarray(length, float).tolist()):
        if u == v:
            G.add_node(u)
        elif not G.has_edge(u, v) or G[u][v]["length"] > w:
            G.add_edge(u, v, length=w)
    bc = nx.betweenness_centrality(G, weight="length", normalized=True) if len(G) else {}
    return np.array([bc.get(i, 0.0) for i in range(n)])


def _random_graph(n, m, seed, weights="uniform"):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = a != b
    a, b = a[keep], b[keep]
    length = rng.uniform(0.5, 5.0, len(a)) if weights == "uniform" else rng.integers(1, 4, len(a)).astype(float)
    return a, b, length


def _ring(n):
    a = np.arange(n)
    return a, (a + 1) % n, np.ones(n)


GRAPHS = {
    "path": (5, [0, 1, 2, 3], [1, 2, 3, 4], [1.0, 1.0, 1.0, 1.0], False),
    "star": (6, [0, 0, 0, 0, 0], [1, 2, 3, 4, 5], [1.0, 2.0, 3.0, 4.0, 5.0], False),
    "ring, every pair tied": (8, *_ring(8), False),
    "square, two equal paths": (4, [0, 1, 0, 2], [1, 3, 2, 3], [1.0, 1.0, 1.0, 1.0], False),
    "weighted shortcut": (4, [0, 1, 2, 0], [1, 2, 3, 3], [3.0, 1.5, 1.0, 30.0], False),
    "disconnected + isolated nodes": (9, [0, 1, 3, 4, 5], [1, 2, 4, 5, 6], [1.0, 2.0, 1.0, 1.0, 3.0], False),
    "complete": (5, [0, 0, 0, 0, 1, 1, 1, 2, 2, 3], [1, 2, 3, 4, 2, 3, 4, 3, 4, 4], [1.0] * 10, False),
    "parallel edges and a self-loop": (4, [0, 1, 0, 1, 2, 2], [1, 0, 2, 2, 3, 2], [5.0, 1.0, 9.0, 1.0, 1.0, 1.0], False),
    "random weighted": (40, *_random_graph(40, 90, 1), False),
    "random, integer weights (ties)": (40, *_random_graph(40, 90, 2, "integer"), False),
    "directed path": (4, [0, 1, 2], [1, 2, 3], [1.0, 1.0, 1.0], True),
    "directed cycle": (6, *_ring(6), True),
    "directed, both ways differ": (4, [0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2], [1.0, 4.0, 1.0, 4.0, 1.0, 4.0], True),
    "random directed weighted": (40, *_random_graph(40, 160, 3), True),
    "random directed, integer weights (ties)": (40, *_random_graph(40, 160, 4, "integer"), True),
}


@pytest.mark.parametrize("name", list(GRAPHS))
def test_exact_equals_networkx(name):
    n, a, b, length, directed = GRAPHS[name]
    a, b, length = np.asarray(a), np.asarray(b), np.asarray(length, float)
    values, method = network.betweenness(n, a, b, length, directed=directed)
    assert method == "exact" and values.shape == (n,)
    np.testing.assert_allclose(values, _reference(n, a, b, length, directed), rtol=0, atol=1e-12)


@pytest.mark.parametrize("n, a, b", [(1, [], []), (0, [], []), (5, [], []), (3, [0], [1]), (3, [2], [2])])
def test_degenerate_graphs_are_zero(n, a, b):
    # one node, no node, no edge, a single edge, a self-loop: no node lies between two others
    values, method = network.betweenness(n, np.array(a, int), np.array(b, int), np.ones(len(a)))
    assert method == "exact" and values.tolist() == [0.0] * n


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 12).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from([1.0, 2.0, 3.0, 0.5])),
                         max_size=3 * n), st.booleans())))
def test_exact_equals_networkx_on_random_small_graphs(case):
    n, edges, directed = case
    a = np.array([e[0] for e in edges], int)
    b = np.array([e[1] for e in edges], int)
    length = np.array([e[2] for e in edges], float)
    values, _ = network.betweenness(n, a, b, length, directed=directed)
    np.testing.assert_allclose(values, _reference(n, a, b, length, directed), rtol=0, atol=1e-12)


def test_exact_far_above_the_old_limit():
    # a path of 5,000 nodes: node i lies on i (m − 1 − i) of the (m − 1)(m − 2) / 2 pairs
    m = 5_000
    assert network.EXACT_MAX >= 5_000
    a = np.arange(m - 1)
    values, method = network.betweenness(m, a, a + 1, np.ones(m - 1))
    assert method == "exact"
    i = np.arange(m)
    np.testing.assert_allclose(values, 2 * i * (m - 1 - i) / ((m - 1) * (m - 2)), rtol=1e-12, atol=1e-12)


def test_ties_give_equal_values():
    # every node of a ring is alike: equal to the last digit (no parallel-summation noise)
    values, _ = network.betweenness(101, *_ring(101))
    assert len(set(values.tolist())) == 1 and values[0] > 0


def test_sampled_is_repeatable_and_exact_with_every_node_a_pivot():
    n, a, b, length, _ = GRAPHS["random weighted"]
    ref = _reference(n, a, b, length)
    s1, m1 = network.betweenness(n, a, b, length, exact_max=0, samples=12, seed=7)
    s2, _ = network.betweenness(n, a, b, length, exact_max=0, samples=12, seed=7)
    s3, _ = network.betweenness(n, a, b, length, exact_max=0, samples=12, seed=8)
    assert m1 == "sampled k=12" and np.array_equal(s1, s2) and not np.array_equal(s1, s3)
    used = len(np.unique(np.r_[a, b]))
    full, method = network.betweenness(n, a, b, length, exact_max=0, samples=10 * used)
    assert method == f"sampled k={used}"
    np.testing.assert_allclose(full, ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("directed", [False, True])
def test_sampled_total_is_exact_on_a_ring(directed):
    # on a ring every pivot contributes the same total, so whichever k pivots are drawn the
    # estimated total equals the exact one: checks the pivot count and the rescaling
    # (networkit draws one pivot more than it is asked for; :func:`network._extra_pivots`)
    assert network._extra_pivots() in (0, 1)
    a, b, length = _ring(31)
    exact = _reference(31, a, b, length, directed).sum()
    for k, seed in [(2, 0), (5, 1), (17, 2)]:
        est, method = network.betweenness(31, a, b, length, directed=directed, exact_max=0, samples=k, seed=seed)
        assert method == f"sampled k={k}"
        assert est.sum() == pytest.approx(exact, rel=1e-9)


@pytest.mark.parametrize("directed", [False, True])
def test_sampled_is_unbiased(directed):
    # the mean over many seeds approaches the exact value (directed: forward and backward
    # searches from the pivots, so a pair's share does not depend on which end was drawn)
    n, a, b, length, _ = GRAPHS["random directed weighted" if directed else "random weighted"]
    ref = _reference(n, a, b, length, directed)
    runs = np.array([network.betweenness(n, a, b, length, directed=directed, exact_max=0, samples=8, seed=s)[0]
                     for s in range(400)])
    mean, se = runs.mean(axis=0), runs.std(axis=0) / np.sqrt(len(runs))
    assert np.all(np.abs(mean - ref) <= 4 * se + 1e-9)
    assert abs(mean.sum() - ref.sum()) <= 0.02 * ref.sum()


def test_sampled_error_on_a_park_sized_graph():
    # 2,000 firms, 3 links each (preferential attachment: a few hub firms); 128 pivots
    G = nx.barabasi_albert_graph(2_000, 3, seed=1)
    e = np.array(G.edges())
    value = np.random.default_rng(1).lognormal(12, 1.5, len(e))
    length = value.max() / value
    ref, _ = network.betweenness(2_000, e[:, 0], e[:, 1], length)
    est, method = network.betweenness(2_000, e[:, 0], e[:, 1], length, exact_max=0, samples=128, seed=0)
    assert method == "sampled k=128"
    top = np.argsort(-ref)[:15]
    assert np.abs(est - ref).max() < 0.05 and np.abs(est - ref).mean() < 0.002
    assert len(set(top) & set(np.argsort(-est)[:15])) >= 10


def test_default_pivots():
    # SAMPLES pivots, fewer on a very large graph (SAMPLE_BUDGET / edges), never below MIN_SAMPLES
    m = network.EXACT_MAX + 1
    a = np.arange(m - 1)
    _, method = network.betweenness(m, a, a + 1, np.ones(m - 1))
    k = min(network.SAMPLES, max(network.MIN_SAMPLES, network.SAMPLE_BUDGET // (m - 1)))
    assert method == f"sampled k={k}"


@pytest.mark.parametrize("kwargs, message", [
    (dict(length=[1.0, 0.0]), "finite and > 0"), (dict(length=[1.0, np.nan]), "finite and > 0"),
    (dict(length=[1.0, -2.0]), "finite and > 0"), (dict(length=[1.0]), "one entry per edge"),
    (dict(seed=-1), "seed"),
])
def test_bad_input(kwargs, message):
    args = dict(length=[1.0, 1.0]) | kwargs
    with pytest.raises(ValueError, match=message):
        network.betweenness(3, np.array([0, 1]), np.array([1, 2]), np.asarray(args.pop("length")), **args)


def test_networkit_loads_without_its_plotting_extras():
    # networkit's package __init__ would import matplotlib.pyplot and sklearn (seconds); they
    # stay unimported, and importable afterwards
    import subprocess
    import sys

    code = ("import sys; from ecolib.foundations import network; network._networkit(); "
            "print('matplotlib' in sys.modules, 'sklearn' in sys.modules, 'networkit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "True"]
