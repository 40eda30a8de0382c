"""`anonymize init` sets a project up once; later commands find it from the working directory,
and a key file that went missing is never silently replaced."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from anonymization_pipeline.cli.main import main
from anonymization_pipeline.core.keys import read_key_file
from anonymization_pipeline.core.project import apply_project

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the example policies and no setting of ours in the environment."""
    shutil.copytree(REPO / "examples" / "policies", tmp_path / "policies", ignore=shutil.ignore_patterns("data", "out"))
    shutil.copytree(REPO / "examples" / "users", tmp_path / "users")
    adult = (tmp_path / "policies" / "adult.yaml").read_text().replace("../../anonymization_pipeline", str(REPO / "anonymization_pipeline"))
    (tmp_path / "policies" / "adult.yaml").write_text(adult)
    for name in [name for name in os.environ if name.startswith("ANONYMIZER_") or name == "DAGSTER_HOME"]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_creates_instance_keys_and_project_file_once_and_says_so(project, capsys):
    assert main(["init", "--policies", "policies"]) == 0
    out = capsys.readouterr().out.splitlines()
    keys = project / ".dagster_home" / "keys.json"
    assert out[0] == f"created the Dagster instance folder {project / '.dagster_home'}"
    assert out[1:4] == [f"created key {name}:v1 in {keys} (mode 0600)" for name in ("default", "pseudonyms", "storage")]
    assert sorted(read_key_file(keys)) == ["default", "pseudonyms", "storage"]
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    assert (project / "anonymizer.yaml").read_text().splitlines()[1:] == [
        "dagster_home: .dagster_home",
        "key_file: .dagster_home/keys.json",
        "policies: policies",
    ]
    before = keys.read_bytes()

    assert main(["init", "--policies", "policies"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"project file: {project / 'anonymizer.yaml'}; instance: {project / '.dagster_home'}; keys: {keys}"
    ]
    assert keys.read_bytes() == before


def test_later_commands_find_the_project_from_a_subfolder_without_anything_exported(project, monkeypatch):
    assert main(["init", "--policies", "policies"]) == 0
    monkeypatch.chdir(project / "users")
    environment: dict[str, str] = {}
    apply_project(environment)
    assert environment == {
        "DAGSTER_HOME": str(project / ".dagster_home"),
        "ANONYMIZER_KEY_FILE": str(project / ".dagster_home" / "keys.json"),
        "ANONYMIZER_POLICIES": str(project / "policies"),
    }
    assert apply_project({"DAGSTER_HOME": "/elsewhere"}) is not None, "an exported variable still wins"


def test_a_missing_key_file_stops_every_command_and_init_makes_none_unless_told(project, capsys):
    assert main(["init", "--policies", "policies"]) == 0
    keys = project / ".dagster_home" / "keys.json"
    keys.unlink()
    capsys.readouterr()

    assert main(["audit"]) == 2
    assert capsys.readouterr().err.startswith(f"error: {project / 'anonymizer.yaml'} names the key file {keys}, which does not exist")
    assert main(["init"]) == 2
    assert "anonymize init --new-keys" in capsys.readouterr().err
    assert not keys.exists()

    assert main(["init", "--new-keys"]) == 0
    assert sorted(read_key_file(keys)) == ["default", "pseudonyms", "storage"]
