"""Noise from OpenDP's core library, on integers, with the 95 % interval each scale implies.

Every statistic is first made an integer (counts, and sums of values on a fixed-point grid), so the
noise is discrete Laplace or discrete Gaussian from OpenDP's vetted samplers: no floating-point
noise, whose low bits are known to leak. The scale for a given ε (and δ) is the one OpenDP's own
privacy map accepts for the declared sensitivity, so the ε charged to the ledger is the ε the
library proves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from opendp import accuracy, combinators, domains, measurements, metrics
from opendp.mod import Measurement, binary_search, binary_search_param, enable_features

from anonymization_pipeline.core.errors import ConfigurationError

enable_features("contrib")

CONFIDENCE = 0.95
"""Every released value carries an interval that covers the exact statistic with this probability."""

_INTEGERS = domains.vector_domain(domains.atom_domain(T="i64"))
_CONTINUOUS_FROM = 1_000.0
_KEYED_COUNTS = domains.map_domain(domains.atom_domain(T=str), domains.atom_domain(T="i64"))


@dataclass(frozen=True)
class NoisyIntegers:
    """Noisy integers and the half-width `t` of their 95 % intervals: P(|noise| ≤ t) ≥ 0.95."""

    values: np.ndarray
    half_width: int


def noisy_integers(exact: np.ndarray, sensitivity: int, epsilon: float, delta: float, mechanism: str) -> NoisyIntegers:
    """`exact` plus discrete Laplace (ε-DP, L1 `sensitivity`) or discrete Gaussian ((ε, δ)-DP,
    L2 `sensitivity`) noise.

    >>> noisy_integers(np.array([10, 20]), 1, 1.0, 0.0, "laplace").values.shape
    (2,)
    """
    if mechanism == "gaussian":
        noise, half_width = _gaussian_noise(gaussian_scale(sensitivity, epsilon, delta))
    else:
        noise, half_width = _laplace_noise(laplace_scale(sensitivity, epsilon))
    values = np.asarray(noise(np.ascontiguousarray(exact, dtype=np.int64)), dtype=np.int64)
    return NoisyIntegers(values, half_width)


@lru_cache(maxsize=256)
def _laplace_noise(scale: float) -> tuple[Measurement, int]:
    noise = measurements.make_laplace(_INTEGERS, metrics.l1_distance(T="i64"), scale)
    return noise, integer_half_width(accuracy.discrete_laplacian_scale_to_accuracy(scale, 1 - CONFIDENCE))


@lru_cache(maxsize=256)
def _gaussian_noise(scale: float) -> tuple[Measurement, int]:
    """OpenDP sums the discrete Gaussian's mass for its accuracy, in time linear in the scale; past
    `_CONTINUOUS_FROM` the continuous law is used, rounded up (the two differ by under one unit)."""
    noise = measurements.make_gaussian(_INTEGERS, metrics.l2_distance(T="i64"), scale)
    if scale >= _CONTINUOUS_FROM:
        return noise, math.ceil(accuracy.gaussian_scale_to_accuracy(scale, 1 - CONFIDENCE))
    return noise, integer_half_width(accuracy.discrete_gaussian_scale_to_accuracy(scale, 1 - CONFIDENCE))


@lru_cache(maxsize=256)
def laplace_scale(sensitivity: int, epsilon: float) -> float:
    """The smallest scale OpenDP's discrete Laplace map admits at ε for this L1 sensitivity."""
    scale = sensitivity / epsilon
    for _ in range(8):
        if measurements.make_laplace(_INTEGERS, metrics.l1_distance(T="i64"), scale).map(sensitivity) <= epsilon:
            return scale
        scale = math.nextafter(scale * (1 + 1e-12), math.inf)
    raise ConfigurationError(f"no discrete Laplace scale gives epsilon {epsilon:g} at sensitivity {sensitivity}")


@lru_cache(maxsize=256)
def gaussian_scale(sensitivity: int, epsilon: float, delta: float) -> float:
    """The discrete Gaussian scale whose zCDP, converted to (ε, δ), spends at most the declared ε.

    At scale kΔ the zCDP is ρ = 1/(2k²) whatever Δ, so the search runs once per (ε, δ) on k, between
    1/(2√(2ε)) (ρ = 4ε, too little noise) and 2√(2 ln(2/δ))/ε + 10 (enough): never where OpenDP's
    map overflows. The scaled result is checked against OpenDP's map at the real sensitivity.
    """
    scale = sensitivity * _unit_gaussian_scale(epsilon, delta)
    for _ in range(8):
        if _approximate_gaussian(scale, delta).check(sensitivity, (epsilon, delta)):
            return scale
        scale = math.nextafter(scale * (1 + 1e-12), math.inf)
    raise ConfigurationError(f"no discrete Gaussian scale gives epsilon {epsilon:g}, delta {delta:g}")


@lru_cache(maxsize=64)
def _unit_gaussian_scale(epsilon: float, delta: float) -> float:
    bounds = (1 / (2 * math.sqrt(2 * epsilon)), 2 * math.sqrt(2 * math.log(2 / delta)) / epsilon + 10)
    return binary_search_param(lambda k: _approximate_gaussian(k, delta), d_in=1, d_out=(epsilon, delta), bounds=bounds)


def _approximate_gaussian(scale: float, delta: float) -> Measurement:
    gaussian = measurements.make_gaussian(_INTEGERS, metrics.l2_distance(T="i64"), scale)
    return combinators.make_fix_delta(combinators.make_zCDP_to_approxDP(gaussian), delta)


@dataclass(frozen=True)
class SelectedCounts:
    """Counts of the keys whose noisy count passed the threshold, and their interval half-width."""

    counts: dict[str, int]
    half_width: int
    threshold: int


def select_and_count(exact: dict[str, int], max_rows: int, epsilon: float, delta: float) -> SelectedCounts:
    """Counts per key where the keys are not declared: every key gets discrete Laplace noise and
    only keys whose noisy count reaches a threshold are released (OpenDP's laplace threshold,
    Rogers 2023). One privacy unit touches at most `max_rows` keys by at most `max_rows` rows;
    the threshold is the smallest that keeps δ within the query's δ.

    The interval is the noise's; a released count is conditioned on passing the threshold, so
    counts near the threshold are biased upwards, which the interval does not account for.
    """
    scale = laplace_scale(max_rows, epsilon)
    d_in = (max_rows, max_rows, max_rows)
    metric = metrics.l01inf_distance(metrics.absolute_distance(T="i64"))

    def mechanism(threshold: int):
        return measurements.make_laplace_threshold(_KEYED_COUNTS, metric, scale=scale, threshold=threshold)

    def fits(threshold: int) -> bool:
        spent_epsilon, spent_delta = mechanism(threshold).map(d_in)
        return spent_epsilon <= epsilon and spent_delta <= delta

    threshold = binary_search(fits, bounds=(max_rows, 2**30))
    released = mechanism(threshold)(dict(exact)) if exact else {}
    half_width = integer_half_width(accuracy.discrete_laplacian_scale_to_accuracy(scale, 1 - CONFIDENCE))
    return SelectedCounts({key: int(count) for key, count in released.items()}, half_width, threshold)


def integer_half_width(tolerance: float) -> int:
    """OpenDP's accuracy `a` has P(|noise| ≥ a) = α; for integer noise, |noise| ≤ ⌈a⌉ − 1 then
    holds with probability 1 − α. Scales so small that `a` is not positive mean no noise at all.

    >>> integer_half_width(30.44), integer_half_width(float("-inf"))
    (30, 0)
    """
    if not tolerance > 0:
        return 0
    return max(math.ceil(tolerance) - 1, 0)
