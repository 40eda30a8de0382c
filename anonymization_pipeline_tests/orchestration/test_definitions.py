import subprocess
import sys
from pathlib import Path

import dagster as dg

from anonymization_pipeline.orchestration.assets import DOWNSTREAM
from anonymization_pipeline.orchestration.definitions import defs

REPO = Path(__file__).resolve().parents[2]


def test_definitions_load_with_schedule_and_sensor_running_by_default():
    assert {key.to_user_string() for key in defs.resolve_all_asset_keys()} == {
        "raw_records",
        "field_classification",
        "identifiers_protected",
        "quasi_identifiers_generalized",
        "sensitive_protected",
        "risk_assessment",
        "anonymized_dataset",
    }
    assert defs.resolve_schedule_def("daily_anonymization").default_status == dg.DefaultScheduleStatus.RUNNING
    assert defs.resolve_sensor_def("privacy_escalation").default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_sensor_def("stage_automation").default_status == dg.DefaultSensorStatus.RUNNING
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("raw_records")).automation_condition is None
    assert graph.get(dg.AssetKey("anonymized_dataset")).automation_condition == DOWNSTREAM


def test_workspace_validates_with_the_dagster_cli():
    dagster = Path(sys.executable).parent / "dagster"
    completed = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
