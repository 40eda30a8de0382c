"""The published classes measured from Spark a chunk at a time are judged exactly as the rows."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.policy import validate_policy
from anonymization_pipeline.core.privacy import apply_transformation, build_hierarchies
from anonymization_pipeline.core.risk import assess_risk
from anonymization_pipeline.core.risk.assessment import judge_measurement
from anonymization_pipeline.core.spark.classes import measure_spark
from anonymization_pipeline_tests.core.spark.tables import generated_policy, generated_table

QIS = ["age", "zipcode", "sex", "education"]
CRITERIA = {
    "l_diversity": {"attribute": "diagnosis", "l": 2, "variant": "entropy"},
    "t_closeness": {"attribute": "diagnosis", "t": 0.3, "distance": "ordered", "reference": "published"},
    "beta_likeness": {"attribute": "diagnosis", "beta": 2.0},
}


def raw_and_published(rows: int, seed: int, suppressed_share: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A generated table, and its release: generalized by the policy's hierarchies, some rows suppressed."""
    raw = generated_table(rows, seed).astype({"age": str})
    hierarchies = build_hierarchies(generated_policy(), raw)
    published = apply_transformation(raw, hierarchies, {"age": 1, "zipcode": 3, "sex": 0, "education": 1})
    suppressed = np.random.default_rng(seed).random(rows) < suppressed_share
    published.loc[suppressed, QIS] = "*"
    return raw, published


def published_table(rows: int, seed: int, suppressed_share: float) -> pd.DataFrame:
    return raw_and_published(rows, seed, suppressed_share)[1]


def assert_same_figures(found, expected, path: str = "summary") -> None:
    """Equal, except that a float summed over classes may differ in its last bits: the classes come in another order."""
    if isinstance(expected, dict):
        assert sorted(found) == sorted(expected), path
        for key in expected:
            assert_same_figures(found[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(found) == len(expected), path
        for index, (one, other) in enumerate(zip(found, expected)):
            assert_same_figures(one, other, f"{path}[{index}]")
    elif isinstance(expected, float):
        assert found == pytest.approx(expected, rel=1e-12, abs=1e-15), path
    else:
        assert found == expected, path


def judged_by_spark(spark, frame: pd.DataFrame, policy, chunk_tuples: int):
    measured = measure_spark(spark.createDataFrame(frame), policy, chunk_tuples=chunk_tuples)
    return measured, judge_measurement(measured.measurement, policy, measured.rows, measured.class_frame)


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    rows=st.integers(1, 300),
    suppressed_share=st.sampled_from([0.0, 0.1, 1.0]),
    chunk_tuples=st.sampled_from([1, 7, 10_000]),
)
def test_chunked_classes_are_judged_as_the_rows(spark, seed, rows, suppressed_share, chunk_tuples):
    raw, frame = raw_and_published(rows, seed, suppressed_share)
    with tempfile.TemporaryDirectory() as folder:
        population = Path(folder) / "population.csv"
        pd.concat([raw[QIS]] * 3).to_csv(population, index=False)
        document = generated_policy(k=2, **CRITERIA).model_dump(mode="json", exclude_none=True)
        policy = validate_policy(document | {"risk": {"population": {"format": "csv", "path": str(population)}}})
        expected = assess_risk(frame, policy)
        measured, found = judged_by_spark(spark, frame, policy, chunk_tuples)
    assert_same_figures(found.summary, expected.summary)
    assert found.failures == expected.failures
    assert measured.measurement.classes.count == expected.measurement.classes.count


def test_the_digest_names_the_tuples_measured(spark):
    frame = published_table(200, 3, 0.3)
    policy = generated_policy(k=2)
    first, _ = judged_by_spark(spark, frame, policy, 50)
    again, _ = judged_by_spark(spark, frame.sample(frac=1.0, random_state=1), policy, 50)
    assert first.sha256 == again.sha256
    for suppressed in (True, False):
        row = frame.index[(frame["sex"] == "*") == suppressed][0]
        changed = frame.copy()
        changed.loc[row, "diagnosis"] = "flu" if changed.loc[row, "diagnosis"] != "flu" else "asthma"
        other, _ = judged_by_spark(spark, changed, policy, 50)
        assert first.sha256 != other.sha256


def test_the_driver_holds_one_chunk_of_tuples_at_a_time(spark, monkeypatch):
    from anonymization_pipeline.core.spark import classes

    seen = []
    chunk = classes._chunk

    def recording(*args):
        part = chunk(*args)
        seen.append(len(part.counts))
        return part

    monkeypatch.setattr(classes, "_chunk", recording)
    frame = published_table(3000, 5, 0.0)
    tuples = len(frame.drop_duplicates([*QIS, "diagnosis"]))
    measure_spark(spark.createDataFrame(frame), generated_policy(k=2), chunk_tuples=tuples // 8)
    assert sum(seen) == tuples
    assert len(seen) == 9
    assert max(seen) < tuples / 3


def test_a_policy_without_quasi_identifiers_is_one_class_of_every_row(spark):
    frame = published_table(50, 2, 0.0)[["diagnosis"]].assign(user_id=[f"u{i}" for i in range(50)])
    policy = validate_policy({
        "version": 1,
        "dataset": {"name": "d", "input": {"format": "parquet", "path": "/in.parquet"}, "output": {"format": "parquet", "path": "/out.parquet"}},
        "fields": {"user_id": {"class": "direct_identifier", "method": "drop"}},
    })
    measured, found = judged_by_spark(spark, frame, policy, 10)
    assert measured.measurement.classes.sizes.tolist() == [50]
    assert_same_figures(found.summary, assess_risk(frame, policy).summary)
