"""The project file: where a project's Dagster instance, key file and policies are, found from
the working directory so no command needs anything exported.

`anonymize init` writes `anonymizer.yaml` once; every later `anonymize` command, and the Dagster
code location, started from that folder or any folder below it, reads it. A variable set in the
environment still wins over the file, so CI and production keep configuring by environment.
The file names places, never keys.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.keys import KEY_FILE_VARIABLE

PROJECT_FILE = "anonymizer.yaml"
PROJECT_FILE_VARIABLE = "ANONYMIZER_PROJECT_FILE"
"""Names the project file outright; set but empty, no project file is read (tests, CI)."""
POLICIES_VARIABLE = "ANONYMIZER_POLICIES"
HOME_VARIABLE = "DAGSTER_HOME"


@dataclass(frozen=True)
class ProjectSettings:
    """Absolute paths, resolved against the project file's folder."""

    root: Path
    dagster_home: Path
    key_file: Path
    policies: Path

    def write(self) -> Path:
        """Write the project file with paths relative to its folder, so the project can move."""
        path = self.root / PROJECT_FILE
        document = {
            "dagster_home": _relative(self.dagster_home, self.root),
            "key_file": _relative(self.key_file, self.root),
            "policies": _relative(self.policies, self.root),
        }
        header = "# Written by `anonymize init`: every anonymize command run in this folder reads it.\n"
        path.write_text(header + yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return path

    def variables(self) -> dict[str, str]:
        return {
            HOME_VARIABLE: str(self.dagster_home),
            KEY_FILE_VARIABLE: str(self.key_file),
            POLICIES_VARIABLE: str(self.policies),
        }


def find_project(start: Path | None = None) -> ProjectSettings | None:
    """The file `ANONYMIZER_PROJECT_FILE` names, else the nearest `anonymizer.yaml` at or above
    `start` (default: the working directory).

    >>> find_project(Path("/"))  # doctest: +SKIP
    """
    named = os.environ.get(PROJECT_FILE_VARIABLE)
    if named is not None:
        return _read(Path(named)) if named else None
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / PROJECT_FILE
        if path.is_file():
            return _read(path)
    return None


def apply_project(environ: MutableMapping[str, str] | None = None, start: Path | None = None) -> ProjectSettings | None:
    """Set DAGSTER_HOME, ANONYMIZER_KEY_FILE and ANONYMIZER_POLICIES from the project file where
    the environment does not set them already. The key file must exist: a project that expects
    keys never gets new ones made behind its back."""
    environ = os.environ if environ is None else environ
    project = find_project(start)
    if project is None:
        return None
    for name, value in project.variables().items():
        environ.setdefault(name, value)
    if environ[KEY_FILE_VARIABLE] == str(project.key_file) and not project.key_file.exists():
        raise ConfigurationError(
            f"{project.root / PROJECT_FILE} names the key file {project.key_file}, which does not exist; "
            "restore it, or run `anonymize init` to create new keys (data protected under the old ones stays unreadable)"
        )
    return project


def policy_files(folder: Path) -> list[str]:
    """The policies of a folder: every `*.yaml` and `*.yml` in it, by name."""
    if not folder.is_dir():
        raise ConfigurationError(f"no policies folder at {folder}")
    files = sorted(path for path in folder.iterdir() if path.suffix in (".yaml", ".yml") and path.is_file())
    if not files:
        raise ConfigurationError(f"{folder} holds no policy (*.yaml)")
    return [str(path) for path in files]


def _read(path: Path) -> ProjectSettings:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        raise ConfigurationError(f"{path}: not a readable YAML file; run `anonymize init` again") from None
    expected = {"dagster_home", "key_file", "policies"}
    if not isinstance(document, dict) or not expected <= set(document):
        raise ConfigurationError(f"{path}: needs {', '.join(sorted(expected))}; run `anonymize init` again")
    root = path.parent
    return ProjectSettings(
        root=root,
        dagster_home=root / document["dagster_home"],
        key_file=root / document["key_file"],
        policies=root / document["policies"],
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path.resolve())
