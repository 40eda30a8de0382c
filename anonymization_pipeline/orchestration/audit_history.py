"""The audit trail as rows: what was materialized, when, under which policy, with what result."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dagster as dg

from anonymization_pipeline.orchestration.assets import PIPELINE_ASSETS


def materialization_history(
    instance: dg.DagsterInstance, assets: list[str] | None = None, since: datetime | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    """Newest first; each entry carries its full metadata (figures and names only, by construction)."""
    names = assets or [asset.key.to_user_string() for asset in PIPELINE_ASSETS]
    entries = []
    for name in names:
        records = instance.fetch_materializations(dg.AssetKey(name), limit=limit).records
        for record in records:
            when = datetime.fromtimestamp(record.timestamp, tz=UTC)
            if since is not None and when < since:
                continue
            metadata = {key: value.value for key, value in record.asset_materialization.metadata.items()}
            entries.append({"asset": name, "time": when.isoformat(), "run_id": record.run_id, "metadata": metadata})
    return sorted(entries, key=lambda entry: entry["time"], reverse=True)
