"""A policy with `engine: spark` loads as one Spark asset and materializes through dagster-pyspark."""

from __future__ import annotations

import json

import dagster as dg
import pyarrow.parquet as pq
import pytest
import yaml

pytest.importorskip("pyspark", reason="engine spark needs pyspark")

from anonymization_pipeline.core.spark.session import java_available  # noqa: E402
from anonymization_pipeline.orchestration.definitions import build_definitions  # noqa: E402
from anonymization_pipeline_tests.conftest import adult_policy_document  # noqa: E402


def test_a_spark_policy_materializes_the_published_dataset_with_its_audit(tmp_path):
    if not java_available():
        pytest.skip("engine spark runs on a JVM: no Java runtime found")
    document = adult_policy_document(tmp_path / "out" / "adult.parquet", engine="spark", privacy={"k": 5, "max_suppression": 0.01})
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump(document))
    definitions = build_definitions([str(policy)])
    assert definitions.resolve_asset_graph().get_all_asset_keys() == {dg.AssetKey(["adult", "anonymized_dataset"])}
    job = definitions.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral())
    assert result.success
    [materialization] = [event.step_materialization_data.materialization for event in result.all_events if event.is_step_materialization]
    metadata = materialization.metadata
    assert metadata["dagster/row_count"].value == 30162
    assert metadata["status"].value == "published"
    assert json.loads(json.dumps(metadata["privacy"].value))["k_achieved"] >= 5
    assert pq.read_table(tmp_path / "out" / "adult.parquet").num_rows == 30162
