"""Mutual information and the two structures, against plain computations."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.synthetic.structure import (
    contingency_table,
    greedy_network,
    joint_index,
    maximum_spanning_tree,
    mutual_information,
)


def naive_mutual_information(a: list[int], b: list[int]) -> float:
    n = len(a)
    total = 0.0
    for x in set(a):
        for y in set(b):
            joint = sum(1 for i in range(n) if a[i] == x and b[i] == y) / n
            if joint > 0:
                total += joint * np.log(joint / ((a.count(x) / n) * (b.count(y) / n)))
    return total


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=1, max_size=60))
def test_mutual_information_matches_the_definition(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    table = contingency_table(np.array(a), np.array(b), 4, 5)
    assert abs(mutual_information(table) - naive_mutual_information(a, b)) < 1e-9


def test_joint_index_is_a_mixed_radix_number_first_column_fastest():
    codes = np.array([[1, 2, 0], [0, 0, 1]])
    assert joint_index(codes, (0, 1), np.array([2, 3, 2])).tolist() == [1 + 2 * 2, 0]
    assert joint_index(codes, (), np.array([2, 3, 2])).tolist() == [0, 0]


def tree_weight(structure, weights):
    return sum(weights[child, parents[0]] for child, parents in structure if parents)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 6), st.integers(0, 1000))
def test_the_spanning_tree_is_maximal_by_brute_force(size, seed):
    rng = np.random.default_rng(seed)
    weights = rng.random((size, size))
    weights = (weights + weights.T) / 2
    tree = maximum_spanning_tree(weights)
    assert sorted(child for child, _ in tree) == list(range(size))
    best = 0.0
    edges = list(combinations(range(size), 2))
    for chosen in combinations(edges, size - 1):
        parent = list(range(size))

        def find(x):
            while parent[x] != x:
                x = parent[x]
            return x

        spanning = True
        for a, b in chosen:
            ra, rb = find(a), find(b)
            if ra == rb:
                spanning = False
                break
            parent[ra] = rb
        if spanning:
            best = max(best, sum(weights[a, b] for a, b in chosen))
    assert abs(tree_weight(tree, weights) - best) < 1e-9


def test_the_greedy_network_places_parents_first_and_finds_a_dependence():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 3, 5000)
    b = rng.integers(0, 3, 5000)
    c = (a + b) % 3
    noise = rng.integers(0, 4, 5000)
    codes = np.stack([a, b, c, noise], axis=1)
    structure = greedy_network(codes, np.array([3, 3, 3, 4]), 2, 5000)
    placed = set()
    for child, parents in structure:
        assert set(parents) <= placed and len(parents) <= 2
        placed.add(child)
    assert placed == {0, 1, 2, 3}
    parents = dict(structure)
    two_parent = [child for child in (0, 1, 2) if set(parents[child]) | {child} == {0, 1, 2}]
    assert two_parent, structure
    assert parents[3] == ()
