"""The CLI's instance: killed runs marked failed, a missing DAGSTER_HOME one line (issue 11, findings 8 and 9)."""

from __future__ import annotations

import socket
import subprocess
import sys

import dagster as dg
import pytest
from dagster._core.storage.dagster_run import DagsterRun

from anonymization_pipeline.cli.main import main
from anonymization_pipeline.orchestration.cli_instance import HOST_TAG, PROCESS_TAG, open_instance


def _ended_process_id() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout)


def test_a_run_whose_process_was_killed_is_marked_failed_when_the_next_run_starts():
    instance = dg.DagsterInstance.get()
    here = {HOST_TAG: socket.gethostname()}
    killed = DagsterRun(job_name="__ASSET_JOB", run_id="killed-run", status=dg.DagsterRunStatus.STARTED,
                        tags=here | {PROCESS_TAG: str(_ended_process_id())})
    running = DagsterRun(job_name="__ASSET_JOB", run_id="running-run", status=dg.DagsterRunStatus.STARTED,
                         tags=here | {PROCESS_TAG: "1"})
    for run in (killed, running):
        instance.add_run(run)

    reopened = open_instance()

    assert reopened.get_run_by_id("killed-run").status == dg.DagsterRunStatus.FAILURE
    assert reopened.get_run_by_id("running-run").status == dg.DagsterRunStatus.STARTED


@pytest.mark.parametrize("home", ["not/absolute", "{tmp}/not-created-yet"])
def test_a_dagster_home_that_is_no_folder_is_one_line_and_exit_2(home, tmp_path, monkeypatch, capsys, adult_policy_file):
    monkeypatch.setenv("DAGSTER_HOME", home.format(tmp=tmp_path))
    assert main(["run", str(adult_policy_file()), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("error: DAGSTER_HOME is ")
    assert not (tmp_path / "out").exists()
