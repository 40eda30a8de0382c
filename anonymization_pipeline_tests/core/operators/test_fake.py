"""`fake`: realistic surrogates, the same for the same value under the same key."""

from __future__ import annotations

import pandas as pd
import pytest

from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.operators import OperatorContext, OperatorParameterError, get_operator
from anonymization_pipeline_tests.core.operators.conftest import OTHER_KEY_BYTES, strings

FAKE = get_operator("fake")


def test_same_value_same_surrogate_across_columns_and_calls(context):
    names = strings("Ann Lee", "Bob Ray", "Ann Lee", " Ann Lee ", "", None)
    outcome = FAKE.operate(names, {"provider": "name", "pool_size": 200}, context)
    faked = outcome.column
    assert faked[0] == faked[2] == faked[3] != "Ann Lee"
    assert faked[4] == "" and pd.isna(faked[5])
    again = FAKE.operate(
        strings("Bob Ray"), {"provider": "name", "pool_size": 200}, OperatorContext("other", keys=context.keys)
    )
    assert again.column[0] == faked[1]
    assert outcome.stats == {"changed": 4, "nulls": 1, "looked_up": 2, "pool_size": 200, "key_id": "default:v1"}


def test_another_key_picks_other_surrogates_and_locales_change_the_style(context):
    values = strings(*(f"person {i}" for i in range(200)))
    ours = FAKE.operate(values, {"provider": "city", "pool_size": 50}, context).column
    theirs = FAKE.operate(
        values,
        {"provider": "city", "pool_size": 50},
        OperatorContext("c", keys=KeyProvider.from_keys({"default": OTHER_KEY_BYTES})),
    ).column
    assert (ours != theirs).mean() > 0.5
    german = FAKE.operate(strings("x"), {"provider": "name", "locale": "de_DE", "pool_size": 10}, context).column[0]
    assert isinstance(german, str) and german


@pytest.mark.parametrize(
    ("params", "parameter", "reason_start"),
    [
        ({}, "provider", "required: the kind of surrogate, one of: name, first_name"),
        ({"provider": "seed_instance"}, "provider", "'seed_instance' is not one of: name,"),
        ({"provider": "name", "locale": "xx_YY"}, "locale", "'xx_YY' is not a Faker locale"),
        ({"provider": "name", "pool_size": 5}, "pool_size", "must be a whole number from 10 to 1000000, got 5"),
    ],
)
def test_validate_names_the_parameter_and_the_bad_value(params, parameter, reason_start):
    with pytest.raises(OperatorParameterError) as raised:
        FAKE.validate(params)
    assert raised.value.parameter == parameter and raised.value.reason.startswith(reason_start)
