"""`date_shift`: one keyed offset per entity, intervals preserved, never zero, within ±max_days."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.operators import OperatorContext, OperatorParameterError, get_operator
from anonymization_pipeline_tests.core.operators.conftest import OTHER_KEY_BYTES

DATE_SHIFT = get_operator("date_shift")


def visits(keys: KeyProvider, rows: int = 5000) -> tuple[pd.DataFrame, OperatorContext]:
    rng = np.random.default_rng(8)
    days = np.datetime64("2020-01-01") + rng.integers(0, 1500, rows).astype("timedelta64[D]")
    frame = pd.DataFrame(
        {"patient": [f"p{i}" for i in rng.integers(0, 400, rows)], "visit": np.datetime_as_string(days)}
    )
    return frame, OperatorContext("visit", keys=keys, frame=frame, seed=2)


def test_every_record_of_an_entity_moves_by_the_same_nonzero_offset(keys):
    frame, context = visits(keys)
    outcome = DATE_SHIFT.operate(frame["visit"], {"entity": "patient", "max_days": 30}, context)
    offsets = (pd.to_datetime(outcome.column) - pd.to_datetime(frame["visit"])).dt.days
    per_patient = offsets.groupby(frame["patient"]).nunique()
    assert (per_patient == 1).all()
    assert offsets.abs().between(1, 30).all()
    assert offsets.groupby(frame["patient"]).first().nunique() > 40
    assert outcome.stats == {
        "changed": 5000,
        "nulls": 0,
        "unparseable": 0,
        "entity_nulls": 0,
        "key_id": "default:v1",
        "max_days": 30,
    }


def test_offsets_depend_on_the_key_only_and_repeat_across_runs(keys):
    frame, context = visits(keys, 500)
    params = {"entity": "patient", "max_days": 365}
    first = DATE_SHIFT.operate(frame["visit"], params, context).column
    assert first.equals(DATE_SHIFT.operate(frame["visit"], params, context).column)
    other = OperatorContext("visit", keys=KeyProvider.from_keys({"default": OTHER_KEY_BYTES}), frame=frame)
    assert (DATE_SHIFT.operate(frame["visit"], params, other).column != first).mean() > 0.9


def test_datetime_columns_stay_datetimes_and_nulls_and_bad_dates_are_handled(keys):
    frame = pd.DataFrame(
        {
            "who": ["a", "a", None, "b", "b"],
            "when": ["2024-01-01", "2024-01-31", "2024-01-01", "someday", None],
            "at": pd.to_datetime(
                ["2024-01-01 08:00", "2024-01-31 09:30", "2024-01-01 00:00", None, "2024-02-02 00:00"]
            ),
        }
    )
    context = OperatorContext("when", keys=keys, frame=frame, seed=1)
    text = DATE_SHIFT.operate(frame["when"], {"entity": "who", "max_days": 10}, context)
    shifted = pd.to_datetime(text.column)
    assert (shifted[1] - shifted[0]).days == 30 and text.column.isna().tolist() == [False, False, False, True, True]
    assert text.stats["unparseable"] == 1 and text.stats["entity_nulls"] == 1
    moment = DATE_SHIFT.operate(frame["at"], {"entity": "who", "max_days": 10}, context).column
    assert moment.dtype == frame["at"].dtype and (moment[1] - moment[0]) == (frame["at"][1] - frame["at"][0])


def test_a_missing_entity_column_is_a_clear_error(keys):
    frame = pd.DataFrame({"when": ["2024-01-01"]})
    with pytest.raises(OperatorParameterError, match="column 'patient' is not in the table being protected"):
        DATE_SHIFT.operate(
            frame["when"], {"entity": "patient", "max_days": 3}, OperatorContext("when", keys=keys, frame=frame)
        )


@pytest.mark.parametrize(
    ("params", "parameter", "reason"),
    [
        ({"max_days": 3}, "entity", "required: the column that identifies the person (e.g. its pseudonym)"),
        ({"entity": "p"}, "max_days", "required: the largest shift in days, e.g. 180"),
        ({"entity": "p", "max_days": 0}, "max_days", "must be a whole number from 1 to 36500, got 0"),
        ({"entity": "", "max_days": 3}, "entity", "must be a non-empty string, got ''"),
    ],
)
def test_validate_names_the_parameter_and_the_bad_value(params, parameter, reason):
    with pytest.raises(OperatorParameterError) as raised:
        DATE_SHIFT.validate(params)
    assert (raised.value.parameter, raised.value.reason) == (parameter, reason)
