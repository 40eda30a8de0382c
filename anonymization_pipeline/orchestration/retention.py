"""Deleting stored personal data once the policy's retention has passed."""

from __future__ import annotations

import time
from collections.abc import Collection
from pathlib import Path

from anonymization_pipeline.core.io.daily_inputs import expired_days
from anonymization_pipeline.orchestration.io_managers import RUNS_FOLDER, SEALED_SUFFIX

SEALED = ".sealed"


def purge_intermediates(
    storage_dir: Path,
    retention_seconds: int,
    now: float | None = None,
    keep: Collection[str] = (),
    dataset: str | None = None,
) -> list[str]:
    """Remove sealed files (stage tables, hand-offs) older than the retention, and the run folders
    they leave empty; returns the names removed (for the audit).

    Files under the folders named in `keep` stay: daily arrivals are the input every later
    publish recomputes its union from, not an intermediate of one run. With `dataset`, only that
    dataset's run files (`runs/<run id>/<dataset>/…`) are considered: each dataset keeps its own
    retention.
    """
    cutoff = (time.time() if now is None else now) - retention_seconds
    removed = []
    for path in sorted(storage_dir.rglob(f"*{SEALED}")):
        parts = path.relative_to(storage_dir).parts
        if parts[0] in keep:
            continue
        if dataset is not None and (parts[0] != RUNS_FOLDER or len(parts) < 4 or parts[2] != dataset):
            continue
        if path.stat().st_mtime <= cutoff:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    runs = storage_dir / RUNS_FOLDER
    for folder in sorted(runs.rglob("*"), reverse=True) if runs.is_dir() else []:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed


def purge_expired_days(days_dir: Path, retention_seconds: int, now: float | None = None) -> list[str]:
    """Delete every stored day past `retention.daily_arrivals`, whether or not it is still in the
    policy's partitions; returns the days deleted. They leave every later release."""
    stored = [path.name.removesuffix(SEALED_SUFFIX) for path in days_dir.glob(f"*{SEALED_SUFFIX}")]
    expired = expired_days(stored, retention_seconds, now)
    for day in expired:
        (days_dir / f"{day}{SEALED_SUFFIX}").unlink(missing_ok=True)
    return expired
