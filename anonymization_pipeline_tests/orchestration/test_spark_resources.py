"""A policy with `engine: spark` loads as one Spark asset with the pandas graph's checks, job,
schedule and escalation sensor, and materializes through dagster-pyspark."""

from __future__ import annotations

import json

import dagster as dg
import pyarrow.parquet as pq
import pytest
import yaml

pytest.importorskip("pyspark", reason="engine spark needs pyspark")

from anonymization_pipeline.core.spark.session import java_available  # noqa: E402
from anonymization_pipeline.orchestration import run_tags  # noqa: E402
from anonymization_pipeline.orchestration.dataset import DatasetSpec  # noqa: E402
from anonymization_pipeline.orchestration.definitions import build_definitions  # noqa: E402
from anonymization_pipeline.orchestration.sensors import failed_checks, unmet_targets  # noqa: E402
from anonymization_pipeline_tests.conftest import adult_policy_document  # noqa: E402

PUBLISHED = dg.AssetKey(["adult", "anonymized_dataset"])


@pytest.fixture
def spark_definitions(tmp_path):
    if not java_available():
        pytest.skip("engine spark runs on a JVM: no Java runtime found")

    def build(**sections) -> dg.Definitions:
        document = adult_policy_document(tmp_path / "out" / "adult.parquet", engine="spark", **sections)
        policy = tmp_path / "policy.yaml"
        policy.write_text(yaml.safe_dump(document))
        return build_definitions([str(policy)])

    return build


def test_a_spark_policy_materializes_the_published_dataset_with_its_audit(tmp_path, spark_definitions):
    definitions = spark_definitions(privacy={"k": 5, "max_suppression": 0.01})
    assert definitions.resolve_asset_graph().get_all_asset_keys() == {PUBLISHED}
    assert definitions.resolve_job_def("anonymize_adult") and definitions.resolve_sensor_def("adult_escalation")
    instance = dg.DagsterInstance.ephemeral()
    result = definitions.resolve_job_def("anonymize_adult").execute_in_process(instance=instance)
    assert result.success
    evaluations = [event.asset_check_evaluation_data for event in result.all_events if event.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert sorted((evaluation.check_name, evaluation.passed) for evaluation in evaluations) == [
        ("k_anonymity", True),
        ("published_schema", True),
        ("row_reconciliation", True),
    ]
    [materialization] = [event.step_materialization_data.materialization for event in result.all_events if event.is_step_materialization]
    metadata = materialization.metadata
    assert metadata["dagster/row_count"].value == 30162
    assert metadata["status"].value == "published"
    assert json.loads(json.dumps(metadata["privacy"].value))["k_achieved"] >= 5
    assert pq.read_table(tmp_path / "out" / "adult.parquet").num_rows == 30162
    assert metadata["k_achieved"].value >= 5 and metadata["rows_published"].value == 30162


def test_a_refused_spark_run_says_why_records_the_failed_check_and_publishes_nothing(tmp_path, spark_definitions):
    """On Adult, k=5 without suppression leaves a class of 5 rows: a highest prosecutor risk of 0.2 against 0.1."""
    definitions = spark_definitions(privacy={"k": 5, "max_suppression": 0.0}, risk={"max_prosecutor_risk": 0.1}, retry={"max_attempts": 2, "ladder": [{"k": 20}]})
    instance = dg.DagsterInstance.ephemeral()
    result = definitions.resolve_job_def("anonymize_adult").execute_in_process(instance=instance, raise_on_error=False)

    assert not result.success
    assert failed_checks(instance, result.run_id) == ["highest_prosecutor_risk"]
    spec = DatasetSpec.load(str(tmp_path / "policy.yaml"))
    assert unmet_targets(instance, result.run_id, spec) == ["not published: highest prosecutor risk is 0.2; the policy allows 0.1"]
    assert not (tmp_path / "out" / "adult.parquet").exists()
    requests = list(definitions.resolve_sensor_def("adult_escalation")(dg.build_sensor_context(instance=instance, definitions=definitions)))
    assert [request.tags[run_tags.ATTEMPT] for request in requests] == ["2"]
