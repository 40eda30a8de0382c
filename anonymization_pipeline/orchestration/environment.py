"""Resources for one environment; environments differ only in resources, never in asset code."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from anonymization_pipeline.core.policy import load_policy
from anonymization_pipeline.orchestration.io_managers import JsonIOManager, StageParquetIOManager
from anonymization_pipeline.orchestration.resources import KeysResource, PipelineSettings


def default_storage_dir() -> Path:
    """Intermediate stage tables live under DAGSTER_HOME (or `.dagster_home`), never in the output."""
    if "ANONYMIZER_STORAGE_DIR" in os.environ:
        return Path(os.environ["ANONYMIZER_STORAGE_DIR"])
    return Path(os.environ.get("DAGSTER_HOME", ".dagster_home")) / "anonymizer_storage"


def build_resources(
    policy_path: str,
    input_uri: str | None = None,
    output_uri: str | None = None,
    report_dir: str | None = None,
    storage_dir: Path | None = None,
) -> dict[str, Any]:
    storage = str(storage_dir or default_storage_dir())
    keys = KeysResource()
    dataset = load_policy(policy_path).dataset.name
    return {
        "settings": PipelineSettings(
            policy_path=policy_path, input_uri=input_uri, output_uri=output_uri, report_dir=report_dir
        ),
        "keys": keys,
        "stage_io_manager": StageParquetIOManager(base_dir=storage, dataset=dataset, key_store=keys),
        "json_io_manager": JsonIOManager(base_dir=storage, dataset=dataset, key_store=keys),
    }
