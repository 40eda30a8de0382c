"""The documented PostgreSQL instance configuration, against the local PostgreSQL server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from anonymization_pipeline.orchestration.environment import build_resources
from anonymization_pipeline.orchestration.in_process import materialize_pipeline

REPO = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("ANONYMIZER_TEST_POSTGRES_URL")

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="ANONYMIZER_TEST_POSTGRES_URL is not set (CI sets it to the local PostgreSQL)"
)


def test_pipeline_runs_and_its_audit_trail_lands_in_postgres(adult_policy_file, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "examples" / "deployment" / "dagster.postgres.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", POSTGRES_URL.replace("postgresql://", "postgresql+psycopg2://", 1))

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        run = materialize_pipeline(build_resources(str(adult_policy_file())), instance)
        assert run.success, run.error_message
        stored = instance.get_run_by_id(run.run_id)
        assert stored.status == dg.DagsterRunStatus.SUCCESS
        records = instance.fetch_materializations(dg.AssetKey(["adult", "anonymized_dataset"]), limit=1).records
        assert records[0].run_id == run.run_id
        assert len(records[0].asset_materialization.metadata["policy_sha256"].value) == 64
