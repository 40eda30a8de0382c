"""The Dagster instance a CLI run records into, opened safely when several runs start at once.

Dagster creates an instance's SQLite schema on first use; two processes doing so together race
(`table alembic_version already exists`). The first use therefore happens under a lock on the
instance folder. A CLI run also records its process id and host as run tags, so that the next
run can tell a run that was killed (kill -9, power loss) from one still going, and mark it failed
instead of leaving it STARTED forever.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.io.atomic_files import process_running

PROCESS_TAG = "anonymizer/pid"
HOST_TAG = "anonymizer/host"
LOCK_NAME = ".anonymizer-instance.lock"
UNFINISHED = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


def open_instance() -> dg.DagsterInstance:
    """The DAGSTER_HOME instance (ephemeral without one), its storage created, its killed CLI
    runs marked failed. A DAGSTER_HOME that is not a folder is a configuration error."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return dg.DagsterInstance.ephemeral()
    folder = Path(home)
    if not folder.is_absolute() or not folder.is_dir():
        raise ConfigurationError(
            f"DAGSTER_HOME is '{home}', which is not an existing folder given by its absolute path: "
            "create it, or unset DAGSTER_HOME to record nothing"
        )
    with _locked(folder / LOCK_NAME):
        instance = dg.DagsterInstance.get()
        instance.get_run_records(limit=1)
        instance.fetch_materializations(dg.AssetKey("anonymizer_storage_check"), limit=1)
        mark_killed_runs_failed(instance)
    return instance


def process_tags() -> dict[str, str]:
    """Tags naming this process, for `mark_killed_runs_failed` to read."""
    return {PROCESS_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def mark_killed_runs_failed(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed every unfinished run of this host whose CLI process is gone; returns their ids."""
    marked = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=UNFINISHED, tags={HOST_TAG: socket.gethostname()})):
        pid = run.tags.get(PROCESS_TAG, "")
        if pid.isdigit() and not process_running(int(pid)):
            instance.report_run_failed(run, f"the process that ran it (pid {pid}) ended without finishing the run")
            marked.append(run.run_id)
    return marked


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError as error:
        raise ConfigurationError(f"cannot use the Dagster instance in {path.parent}: {error.strerror}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
