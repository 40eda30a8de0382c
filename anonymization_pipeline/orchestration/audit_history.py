"""The audit trail as rows: what was materialized, when, under which policy, with what result."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dagster as dg

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.orchestration.assets import DAILY_ARRIVALS, PIPELINE_ASSETS

LIMIT = 1000


def materialization_history(
    instance: dg.DagsterInstance, assets: list[str] | None = None, since: datetime | None = None
) -> list[dict[str, Any]]:
    """Newest first; each entry carries its metadata (figures and names only, by construction),
    less the embedded plot images, which belong in the UI and the HTML report."""
    known = [DAILY_ARRIVALS] + [asset.key.to_user_string() for asset in PIPELINE_ASSETS]
    unknown = [name for name in assets or [] if name not in known]
    if unknown:
        raise ConfigurationError(f"--asset: unknown asset '{unknown[0]}'; one of: {', '.join(known)}")
    records = []
    for name in assets or known:
        for record in instance.fetch_materializations(dg.AssetKey(name), limit=LIMIT).records:
            if since is None or round(record.timestamp, 6) >= since.timestamp():
                records.append((name, record))
    records.sort(key=lambda item: item[1].timestamp, reverse=True)
    return [
        {
            "asset": name,
            "partition": record.asset_materialization.partition,
            "time": datetime.fromtimestamp(record.timestamp, tz=UTC).isoformat(),
            "run_id": record.run_id,
            "metadata": {
                key: value.value for key, value in record.asset_materialization.metadata.items() if key != "plots"
            },
        }
        for name, record in records
    ]
