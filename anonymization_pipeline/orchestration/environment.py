"""Resources for one environment; environments differ only in resources, never in asset code.

Keys and stage storage are shared by the code location; each dataset has its own settings
resource (its policy file and, from the CLI, overrides of input, output and report folder).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from anonymization_pipeline.orchestration.dataset import DatasetSpec
from anonymization_pipeline.orchestration.io_managers import JsonIOManager, StageParquetIOManager
from anonymization_pipeline.orchestration.resources import KeysResource, PipelineSettings


def default_storage_dir() -> Path:
    """Intermediate stage tables live under DAGSTER_HOME (or `.dagster_home`), never in the output."""
    if "ANONYMIZER_STORAGE_DIR" in os.environ:
        return Path(os.environ["ANONYMIZER_STORAGE_DIR"])
    return Path(os.environ.get("DAGSTER_HOME", ".dagster_home")) / "anonymizer_storage"


def shared_resources(storage_dir: Path | None = None) -> dict[str, Any]:
    """Keys and the stage IO managers, which store each asset under its own key path."""
    storage = str(storage_dir or default_storage_dir())
    keys = KeysResource()
    return {
        "keys": keys,
        "stage_io_manager": StageParquetIOManager(base_dir=storage, key_store=keys),
        "json_io_manager": JsonIOManager(base_dir=storage, key_store=keys),
    }


def build_resources(
    policy_path: str,
    input_uri: str | None = None,
    output_uri: str | None = None,
    report_dir: str | None = None,
    storage_dir: Path | None = None,
) -> dict[str, Any]:
    """The resources of one dataset run on its own, as `anonymize run` does."""
    spec = DatasetSpec.load(policy_path)
    settings = PipelineSettings(policy_path=policy_path, input_uri=input_uri, output_uri=output_uri, report_dir=report_dir)
    return shared_resources(storage_dir) | {spec.settings_key: settings}


def dataset_settings_resources(specs: list[DatasetSpec]) -> dict[str, PipelineSettings]:
    return {spec.settings_key: PipelineSettings(policy_path=spec.policy_path) for spec in specs}


def settings_of(resources: dict[str, Any]) -> PipelineSettings:
    """The one dataset's settings among `build_resources`' resources."""
    found = [resource for resource in resources.values() if isinstance(resource, PipelineSettings)]
    if len(found) != 1:
        raise ValueError(f"expected the resources of one dataset, found {len(found)} settings")
    return found[0]
