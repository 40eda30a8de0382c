"""`perturb`: noise of the requested kind and size, reproducible with a seed, with measured shifts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.operators import OperatorContext, OperatorParameterError, get_operator

PERTURB = get_operator("perturb")
CONTEXT = OperatorContext("income")
INCOMES = pd.Series(np.random.default_rng(0).lognormal(10.8, 0.5, 50_000))


@pytest.mark.parametrize(
    ("noise", "expected_std"),
    [("gaussian", 1000.0), ("uniform", 1000.0 / np.sqrt(3)), ("laplace", 1000.0 * np.sqrt(2))],
)
def test_additive_noise_has_the_documented_spread_and_reported_shifts(noise, expected_std):
    outcome = PERTURB.operate(INCOMES, {"noise": noise, "scale": 1000, "seed": 5}, CONTEXT)
    noise_drawn = outcome.column.to_numpy() - INCOMES.to_numpy()
    assert noise_drawn.std() == pytest.approx(expected_std, rel=0.03)
    assert outcome.stats["mean_shift"] == pytest.approx(noise_drawn.mean())
    assert outcome.stats["variance_shift"] == pytest.approx(outcome.column.var(ddof=0) - INCOMES.var(ddof=0))
    assert outcome.stats["changed"] == len(INCOMES) and outcome.stats["seeded"] is True


def test_multiplicative_noise_is_relative_and_a_seed_makes_it_repeatable():
    params = {"mode": "multiplicative", "scale": 0.1, "seed": 9}
    first = PERTURB.operate(INCOMES, params, CONTEXT).column
    assert first.equals(PERTURB.operate(INCOMES, params, CONTEXT).column)
    assert (first / INCOMES - 1).std() == pytest.approx(0.1, rel=0.03)
    unseeded = PERTURB.operate(INCOMES, {"scale": 0.1, "mode": "multiplicative"}, CONTEXT)
    assert not unseeded.column.equals(first) and unseeded.stats["seeded"] is False


def test_text_becomes_null_and_integers_stay_integers_when_rounded():
    outcome = PERTURB.operate(pd.Series([100, "n/a", None], dtype=object), {"scale": 1, "seed": 1}, CONTEXT)
    assert outcome.column.isna().tolist() == [False, True, True]
    assert outcome.stats["non_numeric"] == 1 and outcome.stats["nulls"] == 1
    rounded = PERTURB.operate(pd.Series([100, 200]), {"scale": 5, "seed": 1, "decimals": 0}, CONTEXT).column
    assert str(rounded.dtype) == "Int64"
    empty = PERTURB.operate(pd.Series([None, None], dtype=object), {"scale": 1}, CONTEXT)
    assert empty.stats["mean_shift"] is None


@pytest.mark.parametrize(
    ("params", "parameter", "reason"),
    [
        ({}, "scale", "required: the noise scale (standard deviation, half-width or Laplace b), e.g. 1000"),
        ({"scale": -1}, "scale", "must be a number > 0, got -1"),
        ({"scale": 1, "noise": "cauchy"}, "noise", "'cauchy' is not one of: gaussian, uniform, laplace"),
        (
            {"scale": 1, "epsilon": 1},
            "epsilon",
            "unknown parameter for 'perturb'; allowed: scale, noise, mode, seed, decimals",
        ),
        ({"scale": 1, "seed": "x"}, "seed", "must be a whole number >= 0, got 'x'"),
    ],
)
def test_validate_names_the_parameter_and_the_bad_value(params, parameter, reason):
    with pytest.raises(OperatorParameterError) as raised:
        PERTURB.validate(params)
    assert (raised.value.parameter, raised.value.reason) == (parameter, reason)
