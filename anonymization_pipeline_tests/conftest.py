"""Fixtures shared across the suite: policies over the bundled Adult data, written to tmp folders."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from anonymization_pipeline.core.datasets import ADULT_QUASI_IDENTIFIERS, adult_hierarchy_path
from anonymization_pipeline.core.datasets.adult import adult_csv_path
from anonymization_pipeline.core.keys import encode_key_material


def adult_policy_document(output: Path, **sections: Any) -> dict[str, Any]:
    """The examples/adult policy (k=5, no suppression, discernibility) with `sections` replaced."""
    document = {
        "version": 1,
        "dataset": {
            "name": "adult",
            "input": {"format": "csv", "path": str(adult_csv_path()), "delimiter": ";"},
            "output": {"format": "parquet", "path": str(output)},
        },
        "fields": {
            column: {"class": "quasi_identifier", "hierarchy": {"table": str(adult_hierarchy_path(column))}}
            for column in ADULT_QUASI_IDENTIFIERS
        },
        "privacy": {"k": 5, "max_suppression": 0.0, "metric": "discernibility"},
    }
    document.update(sections)
    return document


@pytest.fixture
def adult_policy_file(tmp_path: Path) -> Callable[..., Path]:
    """Writes an Adult policy into tmp_path; its output goes to tmp_path/out/adult.parquet."""

    def write(**sections: Any) -> Path:
        path = tmp_path / "policy.yaml"
        path.write_text(yaml.safe_dump(adult_policy_document(tmp_path / "out" / "adult.parquet", **sections)))
        return path

    return write


ADULT_DAYS = {"2026-11-01": slice(0, 15_000), "2026-11-02": slice(15_000, 30_159), "2026-11-03": slice(30_159, None)}
"""Adult as three days of arrivals. Three rows can never be 5-anonymous on their own: a release
judged day by day would fail on 2026-11-03, a release judged over the union does not."""


@pytest.fixture
def daily_adult_policy_file(tmp_path: Path) -> Callable[..., Path]:
    """Adult split into daily files tmp_path/adult_2026-11-0{1,2,3}.csv, under a policy whose days
    run from 2026-11-01 to 2026-11-04 (so 11-04 has no file)."""
    from anonymization_pipeline.core.io import parse_location, read_table

    adult = read_table(parse_location(str(adult_csv_path())))
    for day, rows in ADULT_DAYS.items():
        adult.iloc[rows].to_csv(tmp_path / f"adult_{day}.csv", sep=";", index=False)

    def write(**sections: Any) -> Path:
        document = adult_policy_document(tmp_path / "out" / "adult.parquet", **sections)
        document["dataset"]["input"]["path"] = str(tmp_path / "adult_{date}.csv")
        document["dataset"]["daily_partitions"] = {"start_date": "2026-11-01", "end_date": "2026-11-05"}
        path = tmp_path / "policy.yaml"
        path.write_text(yaml.safe_dump(document))
        return path

    return write


def new_dagster_home(folder: Path) -> Path:
    """An empty Dagster instance folder (SQLite storage by default, telemetry off)."""
    home = folder / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return home


TEST_KEYS = {name: hashlib.sha256(f"test key {name}".encode()).digest() for name in ("default", "storage", "pseudonyms")}
"""Fixed keys that look random, as decoding demands (patterned bytes are refused as keys)."""


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own DAGSTER_HOME, stage storage and keys, never the developer's."""
    return isolate(monkeypatch, tmp_path_factory.mktemp("isolated"))


def isolate(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    """A new instance folder in `folder` with stage storage, vault and the test keys, and nothing
    of the developer's environment; returns the instance folder (DAGSTER_HOME)."""
    home = new_dagster_home(folder)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("ANONYMIZER_STORAGE_DIR", str(home / "anonymizer_storage"))
    monkeypatch.setenv("ANONYMIZER_VAULT_URL", f"sqlite:///{home / 'vault.sqlite'}")
    for variable in [name for name in os.environ if name.startswith("ANONYMIZER_KEY_")]:
        monkeypatch.delenv(variable)
    for name, material in TEST_KEYS.items():
        monkeypatch.setenv(f"ANONYMIZER_KEY_{name.upper()}", encode_key_material(material))
    monkeypatch.setenv("ANONYMIZER_PROJECT_FILE", "")
    monkeypatch.delenv("ANONYMIZER_POLICIES", raising=False)
    monkeypatch.delenv("ANONYMIZER_POLICY", raising=False)
    return home
