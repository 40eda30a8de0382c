"""The audit trail as rows: what was materialized, for which dataset, when, under which policy,
with what result."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dagster as dg

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.orchestration.assets import DAILY_ARRIVALS, STAGES
from anonymization_pipeline.orchestration.failures import step_failure_reason

LIMIT = 1000
KNOWN_STAGES = [DAILY_ARRIVALS, *STAGES]


def materialization_history(
    instance: dg.DagsterInstance,
    assets: list[str] | None = None,
    since: datetime | None = None,
    datasets: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Newest first; each entry names its dataset and stage and carries its metadata (figures and
    names only, by construction), less the embedded plot images, which belong in the UI and the
    HTML report. `assets` are stage names (every dataset's), `datasets` dataset names."""
    unknown = [name for name in assets or [] if name not in KNOWN_STAGES]
    if unknown:
        raise ConfigurationError(f"--asset: unknown asset '{unknown[0]}'; one of: {', '.join(KNOWN_STAGES)}")
    stored = [key for key in instance.get_asset_keys() if len(key.path) == 2 and key.path[1] in KNOWN_STAGES]
    present = sorted({key.path[0] for key in stored})
    missing = [name for name in datasets or [] if name not in present]
    if missing:
        raise ConfigurationError(
            f"--dataset: no materialization of '{missing[0]}' in this instance; datasets: {', '.join(present) or 'none yet'}"
        )
    records = []
    for key in stored:
        dataset, stage = key.path
        if (assets and stage not in assets) or (datasets and dataset not in datasets):
            continue
        for record in instance.fetch_materializations(key, limit=LIMIT).records:
            if since is None or round(record.timestamp, 6) >= since.timestamp():
                records.append((dataset, stage, record))
    records.sort(key=lambda item: item[2].timestamp, reverse=True)
    return [
        {
            "dataset": dataset,
            "asset": stage,
            "partition": record.asset_materialization.partition,
            "time": datetime.fromtimestamp(record.timestamp, tz=UTC).isoformat(),
            "run_id": record.run_id,
            "metadata": {
                key: _plain(value.value) for key, value in record.asset_materialization.metadata.items() if key != "plots"
            },
        }
        for dataset, stage, record in records
    ]


def _plain(value: Any) -> Any:
    """Column schema and lineage as JSON-ready structures; everything else as it is."""
    if isinstance(value, dg.TableSchema):
        return [{"name": c.name, "type": c.type, "description": c.description} for c in value.columns]
    if isinstance(value, dg.TableColumnLineage):
        return {
            column: [{"asset": dep.asset_key.to_user_string(), "column": dep.column_name} for dep in deps]
            for column, deps in value.deps_by_column.items()
        }
    return value


def failed_runs(instance: dg.DagsterInstance, since: datetime | None = None, datasets: list[str] | None = None) -> list[dict[str, Any]]:
    """Runs that failed, newest first, each with its one-line reason (the first failed step's)."""
    rows = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]), limit=LIMIT):
        run = record.dagster_run
        selected = sorted({key.path[0] for key in run.asset_selection or []})
        dataset = run.tags.get("dataset") or ",".join(selected)
        if datasets and dataset not in datasets:
            continue
        if since is not None and record.create_timestamp < since:
            continue
        failures = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
        reason = step_failure_reason(failures[0].dagster_event.step_failure_data)[1] if failures else "the run failed"
        rows.append(
            {
                "dataset": dataset,
                "run_id": run.run_id,
                "time": record.create_timestamp.astimezone(UTC).isoformat(),
                "tags": {key: value for key, value in run.tags.items() if key.startswith("anonymizer/")},
                "reason": reason,
            }
        )
    return rows
