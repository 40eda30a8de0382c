"""`perturb`: random noise on numbers, additive or multiplicative, with its effect measured.

Params: `scale` (required, > 0), `noise` (`gaussian` N(0, scale), default; `uniform` U(-scale,
scale); `laplace` Laplace(0, scale)), `mode` (`additive`: x + e, default; `multiplicative`:
x · (1 + e), so scale is relative), `seed`, `decimals` (round the result).
This is noise, not differential privacy: it blurs individual values, it does not bound what
aggregates reveal. A seed written in the policy makes the noise reproducible by anyone who reads
the policy, and so removable: use it for tests, and leave it out in production (fresh entropy).
Stats report the realised shift of the mean and of the variance, so the loss of utility is visible.
Values that are not numbers become null (counted as `non_numeric`), never passed through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from anonymization_pipeline.core.operators.base import Operator, OperatorContext, OperatorOutcome
from anonymization_pipeline.core.operators.columns import numeric_values
from anonymization_pipeline.core.operators.params import check_choice, check_int, check_number, check_seed, require

SCALE = "scale"
NOISE = "noise"
MODE = "mode"
SEED = "seed"
DECIMALS = "decimals"
NOISES = ("gaussian", "uniform", "laplace")
MODES = ("additive", "multiplicative")


def draw_noise(rng: np.random.Generator, noise: str, scale: float, size: int) -> np.ndarray:
    """`size` draws of zero-mean noise of the given kind and scale.

    >>> draw_noise(np.random.default_rng(0), "uniform", 2.0, 3).round(3).tolist()
    [0.548, -0.921, -1.836]
    """
    if noise == "uniform":
        return rng.uniform(-scale, scale, size)
    if noise == "laplace":
        return rng.laplace(0.0, scale, size)
    return rng.normal(0.0, scale, size)


class PerturbOperator(Operator):
    """Zero-mean noise; stats say how much the mean and the variance actually moved."""

    name = "perturb"

    def parameters(self) -> tuple[str, ...]:
        return (SCALE, NOISE, MODE, SEED, DECIMALS)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        require(params, SCALE, "the noise scale (standard deviation, half-width or Laplace b), e.g. 1000")
        check_number(params, SCALE, positive=True)
        check_choice(params, NOISE, NOISES)
        check_choice(params, MODE, MODES)
        check_seed(params, SEED)
        check_int(params, DECIMALS, minimum=0)

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        seed = params.get(SEED, context.seed)
        values, non_numeric = numeric_values(column)
        present = ~np.isnan(values)
        rng = np.random.default_rng(seed)
        noise = draw_noise(rng, params.get(NOISE, "gaussian"), float(params[SCALE]), len(values))
        multiplicative = params.get(MODE, "additive") == "multiplicative"
        perturbed = values * (1.0 + noise) if multiplicative else values + noise
        if DECIMALS in params:
            perturbed = np.round(perturbed, params[DECIMALS])
        result = pd.Series(perturbed, index=column.index, name=column.name)
        if params.get(DECIMALS) == 0 and pd.api.types.is_integer_dtype(column.dtype):
            result = result.astype("Int64")
        stats = {
            "changed": int(np.count_nonzero(perturbed[present] != values[present]) + non_numeric.sum()),
            "nulls": int(column.isna().sum()),
            "non_numeric": int(non_numeric.sum()),
            "mean_shift": _shift(np.mean, values, perturbed, present),
            "variance_shift": _shift(np.var, values, perturbed, present),
            "seeded": seed is not None,
        }
        return OperatorOutcome(result, stats)


def _shift(statistic: Any, before: np.ndarray, after: np.ndarray, present: np.ndarray) -> float | None:
    """after − before of a statistic over the finite values; None when there is none or it overflows."""
    finite = present & np.isfinite(before) & np.isfinite(after)
    if not finite.any():
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        shift = float(statistic(after[finite]) - statistic(before[finite]))
    return shift if np.isfinite(shift) else None
