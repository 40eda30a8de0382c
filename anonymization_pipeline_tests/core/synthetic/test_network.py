"""Conditional tables and vectorised ancestral sampling."""

from __future__ import annotations

import numpy as np
import pytest

from anonymization_pipeline.core.synthetic.network import PRIOR_WEIGHT, draw_rows, fit_network


def test_each_row_draws_from_its_own_probability_row():
    probabilities = np.array([[0.2, 0.8, 0.0], [0.0, 0.0, 1.0], [0.5, 0.0, 0.5]])
    configuration = np.repeat([0, 1, 2], 40_000)
    drawn = draw_rows(probabilities, configuration, np.random.default_rng(0))
    for row in range(3):
        shares = np.bincount(drawn[configuration == row], minlength=3) / 40_000
        assert np.abs(shares - probabilities[row]).max() < 0.01
    assert not np.any(drawn[configuration == 1] != 2)
    assert not np.any(drawn[configuration == 0] == 2)


def test_conditional_tables_are_counts_smoothed_towards_the_marginal():
    codes = np.array([[0, 0], [0, 0], [0, 1], [1, 1]])
    network = fit_network(codes, np.array([2, 2]), [(0, ()), (1, (0,))])
    marginal = np.array([0.5, 0.5])
    expected_given_0 = (np.array([2.0, 1.0]) + PRIOR_WEIGHT * marginal) / (3 + PRIOR_WEIGHT)
    expected_given_1 = (np.array([0.0, 1.0]) + PRIOR_WEIGHT * marginal) / (1 + PRIOR_WEIGHT)
    assert network.tables[1].probabilities == pytest.approx(np.stack([expected_given_0, expected_given_1]))
    assert network.tables[0].probabilities.ravel() == pytest.approx((np.array([3.0, 1.0]) + PRIOR_WEIGHT * np.array([0.75, 0.25])) / 5)


def test_sampling_keeps_a_dependence_and_a_seed_reproduces_it():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 4, 20_000)
    codes = np.stack([a, (a + (rng.random(20_000) < 0.1)) % 4], axis=1)
    network = fit_network(codes, np.array([4, 4]), [(0, ()), (1, (0,))])
    first = network.sample(10_000, np.random.default_rng(7))
    assert np.array_equal(first, network.sample(10_000, np.random.default_rng(7)))
    assert 0.87 < np.mean(first[:, 0] == first[:, 1]) < 0.93
