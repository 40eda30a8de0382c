"""l-diversity and t-closeness achieved: hand-computed values, and EMD checked against a transport LP."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from anonymization_pipeline.core.risk import closeness, diversity

LABELS = ["C0"] * 4 + ["C1"] * 4 + ["C2"] * 2
DIAGNOSES = ["flu", "flu", "cold", "cough", "flu", "flu", "flu", "cold", "cold", "cough"]
TREE = pd.DataFrame([["cold", "resp", "*"], ["cough", "resp", "*"], ["flu", "viral", "*"]])


@pytest.fixture
def counts() -> diversity.SensitiveCounts:
    row_class = pd.factorize(pd.Series(LABELS))[0].astype(np.int64)
    return diversity.sensitive_counts(row_class, pd.Series(DIAGNOSES), 3)


def test_distinct_l_per_class(counts):
    assert diversity.distinct_l(counts).tolist() == [3, 2, 2]


def test_entropy_l_is_exp_of_the_entropy_of_each_class(counts):
    expected = [2**1.5, 0.75**-0.75 * 0.25**-0.25, 2.0]
    assert diversity.entropy_l(counts) == pytest.approx(expected)


def test_recursive_l_per_class(counts):
    assert diversity.recursive_l(counts, 2.0).tolist() == [2, 1, 2]


def test_equal_distance(counts):
    assert closeness.equal_distance(counts) == pytest.approx(0.5)


def test_ordered_distance_orders_strings_lexicographically(counts):
    assert closeness.ordered_distance(counts) == pytest.approx(0.35)


def test_ordered_distance_orders_numbers_numerically():
    # numerically 9 < 10 < 11 gives 0.5; as strings ("10" < "11" < "9") it would be 1/3
    counts = diversity.sensitive_counts(np.array([0, 0, 1]), pd.Series(["9", "10", "11"]), 2)
    assert closeness.ordered_distance(counts) == pytest.approx(0.5)


def test_hierarchical_distance(counts):
    levels = closeness.hierarchy_levels(counts.values, TREE)
    assert closeness.hierarchical_distance(counts, levels) == pytest.approx(0.5)


def _transport(p: np.ndarray, q: np.ndarray, cost: np.ndarray) -> float:
    """The earth mover's distance as the linear programme it is defined by."""
    m = len(p)
    rows = [np.kron(np.eye(m)[i], np.ones(m)) for i in range(m)]
    cols = [np.kron(np.ones(m), np.eye(m)[j]) for j in range(m)]
    result = linprog(cost.ravel(), A_eq=np.vstack(rows + cols), b_eq=np.r_[p, q], bounds=(0, None), method="highs")
    return float(result.fun)


def _per_class_shares(classes: list[int], values: list[str], domain: list[str]) -> tuple[dict[int, np.ndarray], np.ndarray]:
    frame = pd.DataFrame({"c": classes, "v": values})
    q = frame["v"].value_counts(normalize=True).reindex(domain, fill_value=0).to_numpy()
    shares = {c: group["v"].value_counts(normalize=True).reindex(domain, fill_value=0).to_numpy() for c, group in frame.groupby("c")}
    return shares, q


tables = st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["a", "b", "c", "d", "e"])), min_size=1, max_size=30)


@settings(max_examples=40, deadline=None)
@given(tables)
def test_ordered_and_equal_distances_match_the_transport_problem(rows):
    classes, values = [r[0] for r in rows], [r[1] for r in rows]
    row_class = pd.factorize(pd.Series(classes))[0].astype(np.int64)
    counts = diversity.sensitive_counts(row_class, pd.Series(values), int(row_class.max()) + 1)
    domain = sorted(set(values))
    shares, q = _per_class_shares(classes, values, domain)
    m = len(domain)
    positions = np.arange(m)
    ordered_cost = np.abs(positions[:, None] - positions[None, :]) / max(m - 1, 1)
    equal_cost = 1.0 - np.eye(m)
    assert closeness.ordered_distance(counts) == pytest.approx(max(_transport(p, q, ordered_cost) for p in shares.values()), abs=1e-9)
    assert closeness.equal_distance(counts) == pytest.approx(max(_transport(p, q, equal_cost) for p in shares.values()), abs=1e-9)


HIERARCHY = pd.DataFrame(
    [["a", "ab", "abc", "*"], ["b", "ab", "abc", "*"], ["c", "c", "abc", "*"], ["d", "de", "de", "*"], ["e", "de", "de", "*"]]
)


def _tree_cost(domain: list[str]) -> np.ndarray:
    """Ground distance height(lowest common ancestor) / height of the tree."""
    table = HIERARCHY.set_index(0)
    height = table.shape[1]
    cost = np.zeros((len(domain), len(domain)))
    for i, x in enumerate(domain):
        for j, y in enumerate(domain):
            if x != y:
                common = next(level for level in range(1, height + 1) if table.loc[x, level] == table.loc[y, level])
                cost[i, j] = common / height
    return cost


@settings(max_examples=40, deadline=None)
@given(tables)
def test_hierarchical_distance_matches_the_transport_problem(rows):
    classes, values = [r[0] for r in rows], [r[1] for r in rows]
    row_class = pd.factorize(pd.Series(classes))[0].astype(np.int64)
    counts = diversity.sensitive_counts(row_class, pd.Series(values), int(row_class.max()) + 1)
    domain = sorted(set(values))
    shares, q = _per_class_shares(classes, values, domain)
    expected = max(_transport(p, q, _tree_cost(domain)) for p in shares.values())
    levels = closeness.hierarchy_levels(counts.values, HIERARCHY)
    assert closeness.hierarchical_distance(counts, levels) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(tables, st.floats(0.5, 4.0))
def test_l_variants_match_their_definitions(rows, c):
    classes, values = [r[0] for r in rows], [r[1] for r in rows]
    row_class = pd.factorize(pd.Series(classes))[0].astype(np.int64)
    counts = diversity.sensitive_counts(row_class, pd.Series(values), int(row_class.max()) + 1)
    groups = [pd.Series(values)[row_class == k].value_counts().sort_values(ascending=False).tolist() for k in range(row_class.max() + 1)]
    assert diversity.distinct_l(counts).tolist() == [len(g) for g in groups]
    entropies = [math.exp(-sum(n / sum(g) * math.log(n / sum(g)) for n in g)) for g in groups]
    assert diversity.entropy_l(counts) == pytest.approx(entropies)
    recursive = [sum(1 for l in range(1, len(g) + 1) if g[0] < c * sum(g[l - 1 :])) for g in groups]
    assert diversity.recursive_l(counts, c).tolist() == recursive
