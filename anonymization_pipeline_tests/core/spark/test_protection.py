"""Row-local operators on executors: the pandas engine's output, with only subkeys shipped."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError, KeyMaterialError
from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.pipeline.stages import _apply_operators
from anonymization_pipeline.core.policy import validate_policy
from anonymization_pipeline.core.spark.errors import executor_errors
from anonymization_pipeline.core.spark.protection import STATS, _BatchProtector, operator_stats, protect_columns
from anonymization_pipeline.core.spark.subkeys import RecordingKeys

MATERIAL = bytes(range(100, 132))
KEYS = KeyProvider.from_keys({"default": MATERIAL})


def policy_with(fields: dict):
    return validate_policy(
        {
            "version": 1,
            "dataset": {"name": "t", "input": {"format": "parquet", "path": "/in.parquet"}, "output": {"format": "parquet", "path": "/out.parquet"}},
            "fields": fields,
        }
    )


FRAME = pd.DataFrame(
    {
        "person": pd.Series([f"P{i % 700:04d}" for i in range(3_000)], dtype="str"),
        "email": pd.Series([f"user{i}@example.org" if i % 11 else None for i in range(3_000)], dtype="str"),
        "visit": pd.Series([f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(3_000)], dtype="str"),
        "income": [1000 + 37 * i for i in range(3_000)],
    }
)
DETERMINISTIC = {
    "person": {"class": "direct_identifier", "method": "pseudonymize", "params": {"prefix": "p_"}},
    "email": {"class": "direct_identifier", "method": "encrypt", "params": {"deterministic": True}},
    "visit": {"class": "sensitive", "method": "date_shift", "params": {"entity": "person", "max_days": 30}},
    "income": {"class": "non_sensitive", "method": "bucket", "params": {"edges": [0, 50_000, 100_000, 200_000]}},
}


def test_keyed_and_row_local_operators_give_the_pandas_output_and_counts(spark):
    policy = policy_with(DETERMINISTIC)
    columns = list(DETERMINISTIC)
    expected, applied = _apply_operators(FRAME, policy, columns, KEYS)
    protected = protect_columns(spark.createDataFrame(FRAME).repartition(3), policy, columns, KEYS)
    found = protected.drop(STATS).toPandas()
    key = lambda frame: frame.sort_values(columns).reset_index(drop=True).astype(object)  # noqa: E731
    pd.testing.assert_frame_equal(key(found), key(expected[columns]))
    stats = operator_stats(protected)
    for name in columns:
        for count in ("changed", "nulls", "key_id"):
            assert stats[name].get(count) == applied[name].get(count), (name, count)


def test_executors_receive_subkeys_and_never_the_key(spark):
    policy = policy_with(DETERMINISTIC)
    recording = RecordingKeys(KEYS)
    _apply_operators(FRAME.head(10), policy, list(DETERMINISTIC), recording)
    shipped = recording.shipped()
    shipped_bytes = pickle.dumps(_BatchProtector(policy, list(DETERMINISTIC), shipped, None))
    assert MATERIAL not in shipped_bytes
    assert "100, 101" not in repr(shipped)
    assert shipped.primary("default").derive("pseudonymize:hmac-sha256") == KEYS.primary("default").derive("pseudonymize:hmac-sha256")
    with pytest.raises(KeyMaterialError, match="no subkey for 'fake:choice:name' was shipped"):
        shipped.primary("default").derive("fake:choice:name")


def test_seeded_noise_differs_between_batches_and_repeats_on_rerun(spark):
    policy = policy_with({"income": {"class": "non_sensitive", "method": "perturb", "params": {"scale": 10, "seed": 3}}})
    frame = spark.createDataFrame(pd.DataFrame({"income": [1000.0] * 400})).repartition(4)
    first = protect_columns(frame, policy, ["income"], KEYS).drop(STATS).toPandas()["income"]
    again = protect_columns(frame, policy, ["income"], KEYS).drop(STATS).toPandas()["income"]
    assert first.nunique() == 400
    assert sorted(first) == sorted(again)


def test_an_operator_that_needs_other_rows_is_refused(spark):
    policy = policy_with({"income": {"class": "non_sensitive", "method": "swap"}})
    with pytest.raises(ConfigurationError, match="fields.income: method 'swap' cannot run on engine spark"):
        protect_columns(spark.createDataFrame(FRAME), policy, ["income"], KEYS)


def test_an_executor_error_comes_back_as_one_line_without_values(spark):
    policy = policy_with({"visit": {"class": "non_sensitive", "method": "bucket", "params": {"edges": [0, 10]}}})
    late_text = spark.createDataFrame(pd.DataFrame({"visit": ["5"] * 300 + ["2024-01-01"] * 10})).coalesce(1)
    with pytest.raises(InputDataError) as refusal, executor_errors():
        protect_columns(late_text, policy, ["visit"], KEYS).count()
    assert str(refusal.value) == "column 'visit': 10 of 310 values are not numbers, which method 'bucket' needs"
