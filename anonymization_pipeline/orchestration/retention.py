"""Deleting intermediate stage files once the policy's retention has passed after a publish."""

from __future__ import annotations

import time
from pathlib import Path

from anonymization_pipeline.orchestration.io_managers import SEALED_SUFFIX


def purge_intermediates(storage_dir: Path, retention_seconds: int, now: float | None = None) -> list[str]:
    """Remove sealed stage files older than the retention; returns the names removed (for the audit)."""
    cutoff = (time.time() if now is None else now) - retention_seconds
    removed = []
    for path in sorted(storage_dir.rglob(f"*{SEALED_SUFFIX}")):
        if path.stat().st_mtime <= cutoff:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed
