"""How many people are unique in the population, estimated from the published sample alone.

Used when the policy gives no population table: the published table is a sample drawn with
`risk.sampling_fraction` from a population of size n / fraction. Two published estimators, as in
ARX's population models and sdcMicro:

- Pitman: Hoshino, "Applying Pitman's sampling formula to microdata disclosure risk assessment",
  Journal of Official Statistics 17(4), 2001. The Pitman (theta, alpha) parameters are fitted by
  maximum likelihood to the class-size frequencies; population uniques = Gamma(theta+1) /
  Gamma(theta+alpha) * N^alpha.
- Zayatz: Zayatz, "Estimation of the percent of unique population elements on a microdata file
  using the sample", US Census Bureau SRD Report 91/08, 1991. A sample unique is a population
  unique with probability proportional to the hypergeometric chance of drawing exactly one
  element of a class of its sample size.

Which one is reported follows Dankar et al., "Estimating the re-identification risk of clinical
data sets", BMC Med Inform Decis Mak 12:66, 2012, reduced to two models: Pitman at sampling
fractions up to 10 %, Zayatz above (`uniqueness.population_uniqueness` selects).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, special, stats


def _frequencies(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, counts = np.unique(sizes, return_counts=True)
    return values.astype(float), counts.astype(float)


def zayatz_uniques(sizes: np.ndarray, sampling_fraction: float) -> float:
    """Estimated number of population uniques (Zayatz, 1991).

    >>> zayatz_uniques(np.array([1, 1, 2, 3]), 1.0)
    2.0
    """
    n = int(sizes.sum())
    uniques = float((sizes == 1).sum())
    if uniques == 0:
        return 0.0
    population = max(int(round(n / sampling_fraction)), n)
    values, counts = _frequencies(sizes)
    classes = counts.sum()
    single_draw = stats.hypergeom.pmf(1, population, values.astype(int), n)
    weight = float(np.sum(counts / classes * single_draw))
    if weight == 0:
        return 0.0
    unique_draw = float(stats.hypergeom.pmf(1, population, 1, n))
    conditional = (uniques / classes) * unique_draw / weight
    return float(uniques * conditional / sampling_fraction)


def _pitman_negative_likelihood(params: np.ndarray, values: np.ndarray, counts: np.ndarray, n: float, u: float):
    theta, alpha = params
    ratio = theta / alpha
    likelihood = (
        (u - 1) * math.log(alpha)
        + special.gammaln(ratio + u)
        - special.gammaln(ratio + 1)
        - (special.gammaln(theta + n) - special.gammaln(theta + 1))
        + np.sum(counts * (special.gammaln(values - alpha) - special.gammaln(1 - alpha)))
    )
    s1 = (special.digamma(ratio + u) - special.digamma(ratio + 1)) / alpha
    s2 = special.digamma(theta + n) - special.digamma(theta + 1)
    s3 = ((u - 1) - theta * s1) / alpha
    s4 = np.sum(counts * (special.digamma(values - alpha) - special.digamma(1 - alpha)))
    return -likelihood, -np.array([s1 - s2, s3 - s4])


def pitman_uniques(sizes: np.ndarray, sampling_fraction: float) -> float | None:
    """Estimated number of population uniques (Hoshino, 2001); None when the fit fails.

    The likelihood is maximised under 0 < alpha < 1 (Hoshino's range); at alpha -> 0 the model
    becomes Ewens's and the estimate tends to theta.

    >>> round(pitman_uniques(np.array([1] * 40 + [2] * 10 + [3] * 5), 0.1))
    91
    """
    n = float(sizes.sum())
    u = float(len(sizes))
    if u < 2 or n < 2:
        return None
    values, counts = _frequencies(sizes)
    f1 = float((sizes == 1).sum())
    f2 = float(max((sizes == 2).sum(), 1))
    c = f1 * (f1 - 1) / f2
    denominator = 2 * f1 * u + f1 * c - n * c
    theta0 = (n * u * c - f1 * (n - 1) * (2 * u + c)) / denominator if denominator else 1.0
    alpha0 = (theta0 * (f1 - n) + (n - 1) * f1) / (n * u)
    alpha0 = min(max(alpha0, 1e-3), 1 - 1e-3)
    theta0 = max(theta0, -alpha0 + 1e-3) if np.isfinite(theta0) else 1.0
    fit = optimize.minimize(
        _pitman_negative_likelihood,
        x0=np.array([theta0, alpha0]),
        args=(values, counts, n, u),
        jac=True,
        method="L-BFGS-B",
        bounds=[(1e-9, None), (1e-9, 1 - 1e-9)],
    )
    if not np.all(np.isfinite(fit.x)) or not np.isfinite(fit.fun):
        return None
    theta, alpha = fit.x
    population = n / sampling_fraction
    estimate = math.exp(special.gammaln(theta + 1) - special.gammaln(theta + alpha) + alpha * math.log(population))
    return float(min(estimate, population))
