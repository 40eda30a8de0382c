"""The Spark engine finds the pandas engine's optimum and writes it into the rows alike."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.datasets import load_adult
from anonymization_pipeline.core.errors import ConfigurationError, PrivacyTargetNotMet
from anonymization_pipeline.core.policy import validate_policy
from anonymization_pipeline.core.privacy import anonymize_quasi_identifiers
from anonymization_pipeline.core.spark.generalization import generalize
from anonymization_pipeline_tests.conftest import adult_policy_document
from anonymization_pipeline_tests.core.spark.tables import generated_policy, generated_table, pandas_class_counts, spark_class_counts

COMPARED = ("transformation", "information_loss", "suppressed_rows", "suppression_limit", "equivalence_classes", "min_class_size", "k_achieved")


def assert_same_generalization(spark, frame: pd.DataFrame, policy, compared_columns: list[str]) -> None:
    expected = anonymize_quasi_identifiers(frame, policy)
    found = generalize(spark.createDataFrame(frame), policy)
    for key in COMPARED:
        assert found.summary[key] == expected.summary[key], key
    for key in ("l_achieved", "t_achieved", "nodes_checked"):
        assert found.summary.get(key) == expected.summary.get(key), key
    assert spark_class_counts(found.frame, compared_columns) == pandas_class_counts(expected.frame, compared_columns)


def test_adult_with_suppression_gives_the_pandas_optimum_and_classes(spark, tmp_path):
    document = adult_policy_document(tmp_path / "out.parquet", privacy={"k": 5, "max_suppression": 0.02, "metric": "non_uniform_entropy"})
    policy = validate_policy(document)
    assert_same_generalization(spark, load_adult(), policy, policy.quasi_identifiers)


def test_removed_rows_and_l_diversity_on_a_table_with_gaps(spark):
    frame = generated_table(20_000, seed=3)
    policy = generated_policy(k=15, max_suppression=0.05, suppression="remove", l_diversity={"attribute": "diagnosis", "l": 3})
    assert_same_generalization(spark, frame, policy, ["age", "zipcode", "sex", "education", "diagnosis"])


def test_every_suppressed_row_is_masked_whole(spark):
    frame = generated_table(5_000, seed=5)
    frame.loc[:2, "education"] = "zoology"  # three rows no level below '*' can hide
    policy = generated_policy(k=40, max_suppression=0.1, metric="discernibility")
    found = generalize(spark.createDataFrame(frame), policy)
    qis = policy.quasi_identifiers
    masked = found.frame.where("age = '*'").toPandas()
    assert len(masked) == found.summary["suppressed_rows"]
    assert (masked[qis] == "*").all().all()


def test_two_million_rows_match_the_pandas_engine(spark):
    frame = generated_table(2_000_000, seed=11)
    policy = generated_policy(k=10, max_suppression=0.04, l_diversity={"attribute": "diagnosis", "l": 2})
    assert_same_generalization(spark, frame, policy, ["age", "zipcode", "sex", "education"])


def test_an_unreachable_target_is_refused_before_any_row_is_written(spark):
    frame = generated_table(50, seed=1)
    with pytest.raises(PrivacyTargetNotMet, match="k=51 is larger than the number of rows \\(50\\)"):
        generalize(spark.createDataFrame(frame), generated_policy(k=51))


def test_mondrian_is_refused_with_the_engine_to_use(spark):
    with pytest.raises(ConfigurationError, match="mondrian needs engine pandas"):
        generalize(spark.createDataFrame(generated_table(50, seed=1)), generated_policy(k=2, algorithm="mondrian"))


def test_the_histogram_weights_encode_like_the_rows():
    from anonymization_pipeline.core.privacy import build_hierarchies
    from anonymization_pipeline.core.privacy.encoding import encode_table

    frame = generated_table(3_000, seed=2)
    policy = generated_policy()
    counted = frame.groupby(list(frame.columns), dropna=False).size().reset_index(name="n")
    hierarchies = build_hierarchies(policy, frame)
    rows = encode_table(frame, hierarchies, policy.quasi_identifiers, {"diagnosis": None})
    tuples = encode_table(counted, hierarchies, policy.quasi_identifiers, {"diagnosis": None}, counted["n"].to_numpy())
    assert tuples.rows == rows.rows == 3_000
    assert sorted(tuples.tuple_counts) == sorted(rows.tuple_counts)
    assert [list(v) for v in tuples.value_counts] == [list(v) for v in rows.value_counts]
    assert np.array_equal(tuples.sensitive["diagnosis"].distribution, rows.sensitive["diagnosis"].distribution)
