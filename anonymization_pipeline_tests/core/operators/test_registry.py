"""The registry: built-ins by name, user operators, and policy errors naming field and parameter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pytest

from anonymization_pipeline.core.errors import ConfigurationError, PolicyError
from anonymization_pipeline.core.operators import (
    Operator,
    OperatorContext,
    OperatorOutcome,
    OperatorParameterError,
    get_operator,
    operator_names,
    register_operator,
)
from anonymization_pipeline.core.operators.registry import _OPERATORS
from anonymization_pipeline.core.policy import validate_policy

BUILT_INS = [
    "keep",
    "drop",
    "redact",
    "mask",
    "pseudonymize",
    "hash",
    "encrypt",
    "decrypt",
    "bucket",
    "round",
    "top_bottom_code",
    "truncate_date",
    "perturb",
    "swap",
    "date_shift",
    "fake",
]


class ReverseOperator(Operator):
    """A user's own operator: reverses text."""

    name = "reverse_text"

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        return OperatorOutcome(
            column.str[::-1], {"changed": int(column.notna().sum()), "nulls": int(column.isna().sum())}
        )


def policy_with(field: dict) -> dict:
    return {
        "version": 1,
        "dataset": {
            "name": "users",
            "input": {"format": "csv", "path": "in.csv"},
            "output": {"format": "csv", "path": "out.csv"},
        },
        "fields": {"email": field},
    }


def test_every_built_in_is_registered_under_its_name():
    assert operator_names()[: len(BUILT_INS)] == BUILT_INS
    assert all(get_operator(name).name == name for name in BUILT_INS)


def test_users_register_their_own_operator_and_duplicates_are_refused(monkeypatch):
    monkeypatch.setattr("anonymization_pipeline.core.operators.registry._OPERATORS", dict(_OPERATORS))
    register_operator(ReverseOperator())
    assert get_operator("reverse_text").operate(pd.Series(["abc"]), {}, OperatorContext("x")).column.tolist() == ["cba"]
    with pytest.raises(ConfigurationError, match="an operator named 'reverse_text' is already registered"):
        register_operator(ReverseOperator())
    with pytest.raises(OperatorParameterError, match="unknown parameter for 'reverse_text'; allowed: none"):
        get_operator("reverse_text").validate({"x": 1})


@pytest.mark.parametrize(
    ("field", "problem"),
    [
        (
            {"class": "direct_identifier", "method": "mask", "params": {"preset": "email", "keep_first": 2}},
            "fields.email.params.keep_first: with preset email must be 0 (domain only) or 1 (first character), got 2",
        ),
        (
            {"class": "direct_identifier", "method": "pseudonymize", "params": {"bits": 48}},
            "fields.email.params.bits: must be a whole number from 64 to 256, got 48",
        ),
        (
            {"class": "sensitive", "method": "perturb", "params": {"scale": "big"}},
            "fields.email.params.scale: must be a number > 0, got 'big'",
        ),
        (
            {"class": "direct_identifier", "method": "sha256"},
            "fields.email.method: 'sha256' is not one of: " + ", ".join(BUILT_INS),
        ),
    ],
)
def test_a_policy_with_bad_operator_parameters_names_field_and_parameter(field, problem):
    with pytest.raises(PolicyError) as raised:
        validate_policy(policy_with(field))
    assert raised.value.problems == [problem]


def test_a_policy_with_good_parameters_validates():
    policy = validate_policy(
        policy_with({"class": "direct_identifier", "method": "mask", "params": {"preset": "email"}})
    )
    assert policy.fields["email"].params == {"preset": "email"}
