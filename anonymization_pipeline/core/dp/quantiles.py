"""A private quantile and its 95 % interval, by OpenDP's exponential mechanism over candidates.

The quantile's ε is split: 10 % for a noisy count n', 50 % for the point (the candidate whose
quantile score at q is best, Smith 2011), 20 % each for the interval's ends, which are the same
mechanism at shifted levels q ∓ r/n'. Why that covers: OpenDP's selection picks a candidate with
probability ∝ exp(−rank distance / s), where s = 2·max(α, 1 − α)·max_rows/ε (its privacy map), so
with candidates C it misses the best rank distance by more than s·ln(|C|/β) with probability at
most β; r = 2·max_rows·ln(|C|/β)/ε_end bounds that whatever the data. So each end lands on the right side of the true q-quantile except with
probability β = 2 %, and n' undercounts n by more than its 99 % half-width with probability 1 %:
the interval covers with at least 95 %, up to the resolution of the candidate grid, by which each
end is widened once more. It is conservative (Drechsler et al. 2021 build the same shape of
interval for the population median).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from opendp import accuracy, domains, measurements, metrics, measures

from anonymization_pipeline.core.dp.mechanisms import integer_half_width, laplace_scale, noisy_integers
from anonymization_pipeline.core.errors import ConfigurationError

_VALUES = domains.vector_domain(domains.atom_domain(T=float, nan=False))
COUNT_SHARE, POINT_SHARE, END_SHARE = 0.1, 0.5, 0.2
COUNT_MISS, END_MISS = 0.01, 0.02


@dataclass(frozen=True)
class PrivateQuantile:
    value: float
    ci_low: float
    ci_high: float


def private_quantile(
    values: np.ndarray, q: float, bounds: tuple[float, float], candidates: int, epsilon: float, max_rows: int
) -> PrivateQuantile:
    """The q-quantile of `values` (no NaN) among `candidates` points evenly spread over `bounds`.

    >>> private_quantile(np.arange(1000.0), 0.5, (0, 1000), 101, 10.0, 1).value  # doctest: +SKIP
    500.0
    """
    grid = np.linspace(bounds[0], bounds[1], candidates)
    step = grid[1] - grid[0]
    clamped = np.clip(values, bounds[0], bounds[1])
    count_epsilon = COUNT_SHARE * epsilon
    noisy_n = int(noisy_integers(np.array([len(clamped)]), max_rows, count_epsilon, 0.0, "laplace").values[0])
    n_low = noisy_n - _laplace_half_width(laplace_scale(max_rows, count_epsilon), COUNT_MISS)
    point = _select(clamped, grid, q, POINT_SHARE * epsilon, max_rows)
    end_epsilon = END_SHARE * epsilon
    slack = 2 * max_rows * math.log(candidates / END_MISS) / end_epsilon
    if n_low <= slack:
        return PrivateQuantile(point, float(bounds[0]), float(bounds[1]))
    low = _select(clamped, grid, max(q - slack / n_low, 0.0), end_epsilon, max_rows)
    high = _select(clamped, grid, min(q + slack / n_low, 1.0), end_epsilon, max_rows)
    return PrivateQuantile(point, max(min(low, point) - step, bounds[0]), min(max(high, point) + step, bounds[1]))


def _select(values: np.ndarray, grid: np.ndarray, alpha: float, epsilon: float, max_rows: int) -> float:
    candidates = grid.tolist()

    def mechanism(scale: float):
        return measurements.make_private_quantile(
            _VALUES, metrics.symmetric_distance(), measures.max_divergence(), candidates, alpha, scale
        )

    # ε is inversely proportional to the scale, so one look at OpenDP's map (which uses its own
    # rational approximation of alpha) gives the scale exactly; the check guards the rounding.
    scale = 2 * max(alpha, 1 - alpha) * max_rows / epsilon
    scale *= max(mechanism(scale).map(max_rows) / epsilon, 1.0) * (1 + 1e-9)
    selection = mechanism(scale)
    if not selection.check(max_rows, epsilon):
        raise ConfigurationError(f"no exponential-mechanism scale gives epsilon {epsilon:g} for the quantile at {alpha:g}")
    return float(selection(values))


def _laplace_half_width(scale: float, miss: float) -> int:
    return integer_half_width(accuracy.discrete_laplacian_scale_to_accuracy(scale, miss))
