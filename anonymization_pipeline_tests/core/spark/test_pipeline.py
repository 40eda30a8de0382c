"""The whole pipeline on Spark gives the pandas engine's report: privacy, rows, risk and checks."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from anonymization_pipeline.core.datasets.external_registry import generate_external_registry
from anonymization_pipeline.core.datasets.users import generate_users
from anonymization_pipeline.core.errors import PrivacyTargetNotMet
from anonymization_pipeline.core.io import read_table, write_table
from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.pipeline.run import anonymize
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.policy.model import ParquetLocation, SqlLocation
from anonymization_pipeline.core.spark import anonymize_spark, run_spark
from anonymization_pipeline_tests.core.spark.tables import pandas_class_counts, skip_without_postgres_driver, spark_class_counts

USERS_POLICY = Path(__file__).parents[3] / "examples" / "policies" / "users.yaml"
KEYS = KeyProvider.from_keys({"pseudonyms": bytes(range(32))})
RISK_FIGURES = ("rows", "rows_assessed", "suppressed_rows", "equivalence_classes", "class_sizes", "class_size_distribution",
                "records_by_risk_band", "k_achieved", "prosecutor", "population_uniqueness", "marketer_success_rate")
TRUTH_FIGURES = ("targets_in_published", "matched_correctly", "expected_correct", "expected_success_rate")


def users_policy(rung: int) -> Policy:
    """The demo's policy at a rung of its ladder, without the linkage attack (its list is made by the demo)."""
    policy = Policy.from_yaml(USERS_POLICY).at_rung(rung)
    return policy.model_copy(update={"risk": policy.risk.model_copy(update={"linkage_attack": None})})


@pytest.fixture(scope="module")
def users():
    return generate_users(5_000, seed=7)


def test_users_demo_report_matches_the_pandas_engine(spark, users):
    policy = users_policy(2)
    expected = anonymize(users, policy, KEYS)
    found = anonymize_spark(spark.createDataFrame(users), policy, KEYS)
    try:
        without_time = lambda privacy: {key: value for key, value in privacy.items() if key != "search_seconds"}  # noqa: E731
        assert without_time(found.report["privacy"]) == without_time(expected.report["privacy"])
        assert found.report["rows"] == expected.report["rows"]
        assert found.report["status"] == expected.report["status"] == "published"
        for key in RISK_FIGURES:
            assert found.report["risk"][key] == expected.report["risk"][key], key
        assert found.report["risk"]["sensitive"]["diagnosis"] == expected.report["risk"]["sensitive"]["diagnosis"]
        assert [(r["expectation"], r["columns"], r["success"]) for r in found.report["validation"]["results"]] == [
            (r["expectation"], r["columns"], r["success"]) for r in expected.report["validation"]["results"]
        ]
        for name, stats in expected.report["fields"].items():
            counted = ("nulls",) if stats["method"] == "perturb" else ("changed", "nulls", "key_id")  # noise may round to no change
            for count in counted:
                assert found.report["fields"][name].get(count) == stats.get(count), (name, count)
        published = found.data.toPandas()
        assert sorted(published.columns) == sorted(expected.data.columns)
        assert set(published["user_id"]) == set(expected.data["user_id"])
        assert set(published["email"]) == set(expected.data["email"])
        columns = [*policy.quasi_identifiers, "diagnosis"]
        assert spark_class_counts(found.data, columns) == pandas_class_counts(expected.data, columns)
    finally:
        found.unpersist()


def test_a_missed_risk_threshold_is_refused_by_both_engines(spark, users):
    policy = users_policy(0).model_copy(update={"risk": users_policy(0).risk.model_copy(update={"max_average_risk": 0.01})})
    with pytest.raises(PrivacyTargetNotMet) as pandas_refusal:
        anonymize(users, policy, KEYS)
    with pytest.raises(PrivacyTargetNotMet) as spark_refusal:
        anonymize_spark(spark.createDataFrame(users), policy, KEYS)
    assert str(spark_refusal.value) == str(pandas_refusal.value)
    assert "average prosecutor risk" in str(spark_refusal.value)


def test_the_linkage_attack_gives_the_pandas_figures_without_the_ground_truth(spark, users, tmp_path):
    registry = ParquetLocation(format="parquet", path=tmp_path / "registry.parquet")
    write_table(generate_external_registry(users, overlap=0.5, seed=4), registry)
    policy = Policy.from_yaml(USERS_POLICY).at_rung(2)
    attack = policy.risk.linkage_attack.model_copy(update={"external": registry, "sample_size": 1_000})
    policy = policy.model_copy(update={"risk": policy.risk.model_copy(update={"linkage_attack": attack})})
    expected = anonymize(users, policy, KEYS).report["risk"]["attack"]
    found = anonymize_spark(spark.createDataFrame(users), policy, KEYS)
    found.unpersist()
    without_truth = lambda figures: {  # noqa: E731
        key: {name: bounds for name, bounds in value.items() if name not in TRUTH_FIGURES} if key == "ci95" else value
        for key, value in figures.items()
        if key not in TRUTH_FIGURES
    }
    assert set(found.report["risk"]["attack"]) == {"raw input", "published"}
    for scenario, figures in expected.items():
        assert found.report["risk"]["attack"][scenario] == without_truth(figures), scenario
    assert expected["raw input"]["matched_correctly"] > 0  # the pandas engine did count them


def test_a_postgresql_table_is_read_and_published_over_jdbc(spark, users, tmp_path):
    url = os.environ.get("ANONYMIZER_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("ANONYMIZER_TEST_POSTGRES_URL is not set")
    skip_without_postgres_driver(spark)
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS spark_users_in, spark_users_out"))
    users.to_sql("spark_users_in", engine, index=False)
    policy = users_policy(2)
    policy = policy.model_copy(update={"dataset": policy.dataset.model_copy(update={
        "input": SqlLocation(format="sql", url=url, table="spark_users_in"),
        "output": SqlLocation(format="sql", url=url, table="spark_users_out"),
    })})
    report = run_spark(spark, policy, policy.dataset.input, policy.dataset.output, tmp_path / "report", KEYS)
    expected = anonymize(read_table(policy.dataset.input), policy, KEYS)
    published = pd.read_sql_table("spark_users_out", engine)
    engine.dispose()
    columns = [*policy.quasi_identifiers, "diagnosis"]
    assert report["status"] == "published" and report["output"].startswith("table 'spark_users_out' in postgresql://")
    assert report["privacy"]["transformation"] == expected.report["privacy"]["transformation"]
    assert len(published) == len(expected.data) == report["rows"]["rows_published"]
    assert pandas_class_counts(published, columns) == pandas_class_counts(expected.data, columns)
    assert set(published["user_id"]) == set(expected.data["user_id"])
