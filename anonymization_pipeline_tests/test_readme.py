"""README's code blocks run as shown: every `bash` block in a new shell and every `python` block
with the project's interpreter, in order, in a fresh copy of the project (as a newcomer's clone
would be, with this checkout's virtual environment); every `yaml` block parses, and one that is a
whole policy validates where README says it sits. `make test` is the one command left out: it is
the suite this test belongs to.

It starts with `make demo`, so it takes minutes; the whole first hour is what it checks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from anonymization_pipeline.core.policy import validate_policy

REPO = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
NOT_RUN = {"make test"}
"""Commands README shows that this test does not run: the suite it is part of."""
POLICY_FOLDER = REPO / "examples" / "policies"


def readme_blocks(language: str) -> list[str]:
    return [body for kind, body in BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8")) if kind == language]


def fresh_copy(target: Path) -> Path:
    """The tracked files with their times (so make sees an installed venv), and the venv."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(REPO / ".venv")
    return target


def new_shell_environment() -> dict[str, str]:
    """What a new login shell has: nothing of ours exported."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("ANONYMIZER_", "DAGSTER_")) and name not in {"VIRTUAL_ENV"}
    }


def test_every_yaml_block_parses_and_a_whole_policy_validates():
    documents = [yaml.safe_load(block) for block in readme_blocks("yaml")]
    policies = [document for document in documents if "version" in document]
    assert policies, "README shows a whole policy"
    for document in policies:
        assert validate_policy(document, base_dir=POLICY_FOLDER).dataset.name


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_every_command_and_snippet_runs_as_shown_from_a_fresh_copy(tmp_path):
    project = fresh_copy(tmp_path / "clone")
    environment = new_shell_environment()
    ran = []
    for kind, body in BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8")):
        if kind == "bash":
            lines = [line for line in body.splitlines() if line.split("#")[0].strip() not in NOT_RUN]
            command = ["bash", "-euo", "pipefail", "-c", "\n".join(lines)]
        elif kind == "python":
            command = [str(REPO / ".venv" / "bin" / "python"), "-c", body]
        else:
            continue
        done = subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"README block failed:\n{body}\n--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}"
        ran.append(done.stdout)

    demo = ran[0]
    assert "=== ESCALATION DEMO (on purpose) ===" in demo
    assert re.search(r"report: \S+/out/users/report/report\.html", demo)
    assert (project / "anonymizer.yaml").is_file() and (project / ".dagster_home" / "keys.json").is_file()
    assert ran[-1].split() == ["published", "8"]
    failed = _failed_runs(project / ".dagster_home")
    assert failed and all(tags.get("anonymizer/demo", "").startswith("escalation") for tags in failed), failed


def _failed_runs(home: Path) -> list[dict[str, str]]:
    """The tags of every failed run in the copy's instance."""
    script = (
        "import dagster as dg, json;"
        "i = dg.DagsterInstance.get();"
        "print(json.dumps([dict(r.tags) for r in i.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]))]))"
    )
    done = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "-c", script],
        env=new_shell_environment() | {"DAGSTER_HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
    )
    return yaml.safe_load(done.stdout)
