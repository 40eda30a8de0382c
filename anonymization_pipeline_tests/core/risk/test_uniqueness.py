"""Population-uniqueness estimators against their formulas written out, and on a simulated population."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from anonymization_pipeline.core.risk.population_models import pitman_uniques, zayatz_uniques
from anonymization_pipeline.core.risk.uniqueness import population_uniqueness


def test_zayatz_matches_the_formula_written_out():
    sizes = np.array([1, 1, 2, 3])
    fraction, n = 0.5, 7
    population = 14
    frequencies = {1: 2, 2: 1, 3: 1}
    classes = 4

    def one_drawn(j: int) -> float:
        return j * math.comb(population - j, n - 1) / math.comb(population, n)

    weight = sum(f / classes * one_drawn(j) for j, f in frequencies.items())
    conditional = (2 / classes) * one_drawn(1) / weight
    assert zayatz_uniques(sizes, fraction) == pytest.approx(2 * conditional / fraction)


def test_zayatz_with_the_whole_population_counts_the_sample_uniques():
    assert zayatz_uniques(np.array([1, 1, 1, 4, 2]), 1.0) == pytest.approx(3.0)


def _pitman_by_explicit_sums(sizes: np.ndarray, fraction: float) -> float:
    n, u = int(sizes.sum()), len(sizes)

    def negative_likelihood(params):
        theta, alpha = params
        if not (0 < alpha < 1 and theta > 0):
            return 1e12
        value = sum(math.log(theta + i * alpha) for i in range(1, u))
        value -= sum(math.log(theta + i) for i in range(1, n))
        value += sum(math.log(m - alpha) for size in sizes for m in range(1, int(size)))
        return -value

    fit = minimize(negative_likelihood, x0=[10.0, 0.5], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000})
    theta, alpha = fit.x
    return math.exp(math.lgamma(theta + 1) - math.lgamma(theta + alpha)) * (n / fraction) ** alpha


def test_pitman_maximises_the_pitman_likelihood():
    rng = np.random.default_rng(11)
    sizes = np.maximum(1, rng.zipf(2.2, 300)).clip(max=40)
    assert pitman_uniques(sizes, 0.05) == pytest.approx(_pitman_by_explicit_sums(sizes, 0.05), rel=1e-3)


def test_both_estimators_land_near_the_true_count_on_a_simulated_population():
    rng = np.random.default_rng(0)
    population = rng.zipf(1.6, 200_000) % 50_000
    sample = rng.choice(population, 20_000, replace=False)
    sizes = pd.Series(sample).value_counts().to_numpy()
    truth = int((pd.Series(population).value_counts() == 1).sum())
    assert pitman_uniques(sizes, 0.1) == pytest.approx(truth, rel=0.5)
    assert zayatz_uniques(sizes, 0.1) == pytest.approx(truth, rel=0.5)


@pytest.mark.parametrize(("fraction", "selected"), [(0.05, "pitman"), (0.5, "zayatz"), (1.0, "sample")])
def test_the_estimator_follows_the_sampling_fraction(fraction, selected):
    sizes = np.array([1] * 40 + [2] * 10 + [3] * 5)
    figures = population_uniqueness(sizes, fraction)
    assert figures["selected"] == selected
    assert figures["population_uniques"] == figures["estimates"][selected]
    assert figures["population_size"] == pytest.approx(sizes.sum() / fraction)
