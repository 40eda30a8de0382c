"""Personal data at rest (issue 6): every byte the pipeline leaves behind is searched for raw
direct identifiers and for keys.

The users demo policy runs once for the module (and once more as input arriving by day) through `anonymize run` against a real SQLite
Dagster instance (3,000 generated users; the first attempt misses the average-risk target, so the
escalation loop adds a second run and a failed run's leftovers are scanned too). Then the instance
databases, event logs, compute logs, stage storage, report folder and published output are read
byte by byte.
"""

from __future__ import annotations

import base64
import datetime
import shutil
import stat
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.cli.main import main
from anonymization_pipeline.core.at_rest import PURPOSE as AT_REST_PURPOSE, unseal
from anonymization_pipeline.core.datasets import generate_external_registry, generate_users
from anonymization_pipeline.core.io import write_table
from anonymization_pipeline.core.io.daily_inputs import day_location
from anonymization_pipeline.core.keys import Key, KeyProvider, encode_key_material
from anonymization_pipeline.core.operators.keyed_hash import HMAC_SHA256
from anonymization_pipeline.core.policy import load_policy
from anonymization_pipeline.orchestration.assets import FINGERPRINT_PURPOSE
from anonymization_pipeline.orchestration.io_managers import sealed_to
from anonymization_pipeline_tests.conftest import TEST_KEYS, isolate

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "users"
POLICIES = EXAMPLE.parent / "policies"
ROWS = 3000
SEED = 11
DIRECT_IDENTIFIERS = ["full_name", "email", "phone", "ssn", "credit_card", "ip_address", "user_id"]
DAILY_DAYS = ["2026-11-01", "2026-11-02"]
STAGE_TABLES = ["identifiers_protected", "quasi_identifiers_generalized", "raw_records", "sensitive_protected"]
NEEDLE_BYTES = 8
"""Raw values are searched only when at least 8 bytes long: a short value (a 3-letter name, an
IP like 1.2.3.4) can occur by chance in a binary SQLite page, a font or a GIF, and would make the
scan fail for no leak. Every user id, e-mail, phone, SSN and card number is longer; only a
handful of names and IP addresses are left out."""


@dataclass(frozen=True)
class Leftovers:
    """What one `anonymize run` of the users demo left on disk, and the input it read."""

    raw: pd.DataFrame
    input_path: Path
    home: Path
    storage: Path
    report_dir: Path
    published: Path

    def scanned_files(self) -> list[Path]:
        """Every file under DAGSTER_HOME, the stage storage and the output folder (report included)."""
        roots = [self.home, self.storage, self.published.parent, self.report_dir]
        return sorted({path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()})


@pytest.fixture(scope="module")
def users_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Leftovers]:
    """The users demo run once, in an environment made by conftest's `isolate` (its autouse
    fixture is function-scoped and so cannot serve a module-scoped run)."""
    work = tmp_path_factory.mktemp("users_demo")
    with pytest.MonkeyPatch.context() as monkeypatch:
        home = isolate(monkeypatch, work)
        policy_path = work / "policies" / "users.yaml"
        policy_path.parent.mkdir()
        shutil.copy(POLICIES / "users.yaml", policy_path)
        shutil.copytree(EXAMPLE / "hierarchies", work / "users" / "hierarchies")
        policy = load_policy(policy_path)
        users = generate_users(ROWS, SEED)
        write_table(users, policy.dataset.input)
        attack = policy.risk.linkage_attack
        if attack is not None:
            write_table(generate_external_registry(users, overlap=0.5, seed=SEED + 1), attack.external)

        assert main(["run", str(policy_path), "--quiet"]) == 0

        yield Leftovers(
            raw=users,
            input_path=Path(policy.dataset.input.path),
            home=home,
            storage=home / "anonymizer_storage",
            report_dir=Path(policy.dataset.output.path).parent / "report",
            published=Path(policy.dataset.output.path),
        )


def found_in(blob: bytes, needles: Iterable[bytes]) -> set[bytes]:
    """The needles (each at least 8 bytes) that occur in `blob`.

    Every 8-byte window of the blob becomes one uint64 and is matched against the needles' first
    8 bytes in a single `np.isin`; only those positions are compared in full. Searching each of
    ~20,000 needles with `in` over megabytes of files would take minutes.
    """
    by_prefix: dict[int, list[bytes]] = defaultdict(list)
    for needle in needles:
        by_prefix[int.from_bytes(needle[:NEEDLE_BYTES], "little")].append(needle)
    data = np.frombuffer(blob, dtype=np.uint8)
    if len(data) < NEEDLE_BYTES or not by_prefix:
        return set()
    windows = np.lib.stride_tricks.sliding_window_view(data, NEEDLE_BYTES).copy().view("<u8").ravel()
    prefixes = np.fromiter(by_prefix, dtype=np.uint64, count=len(by_prefix))
    return {
        needle
        for position in np.flatnonzero(np.isin(windows, prefixes))
        for needle in by_prefix[int(windows[position])]
        if blob.startswith(needle, int(position))
    }


def raw_identifier_needles(raw: pd.DataFrame) -> dict[bytes, str]:
    """Every raw direct-identifier value of at least 8 UTF-8 bytes → the column it came from."""
    needles = {}
    for column in DIRECT_IDENTIFIERS:
        for value in raw[column].dropna().astype(str).unique():
            encoded = value.encode("utf-8")
            if len(encoded) >= NEEDLE_BYTES:
                needles[encoded] = column
    return needles


def key_needles() -> dict[bytes, str]:
    """Each test key, and the subkeys the pipeline derives from it, in every text form a key could
    be written in: raw, hex (both cases), standard and urlsafe base64 with and without padding."""
    secrets = {}
    for name, material in TEST_KEYS.items():
        secrets[name] = material
        key = Key(name, 1, material)
        for purpose in (AT_REST_PURPOSE, FINGERPRINT_PURPOSE, f"pseudonymize:{HMAC_SHA256}"):
            secrets[f"{name} derived for {purpose}"] = key.derive(purpose)
    needles = {}
    for label, secret in secrets.items():
        for form in (
            secret,
            secret.hex().encode(),
            secret.hex().upper().encode(),
            base64.b64encode(secret),
            base64.b64encode(secret).rstrip(b"="),
            base64.urlsafe_b64encode(secret),
            base64.urlsafe_b64encode(secret).rstrip(b"="),
        ):
            needles[form] = label
    return needles


def leaks(paths: Iterable[Path], needles: dict[bytes, str], base: Path) -> dict[str, list[str]]:
    """file (relative to `base`) → what leaked into it, for an assertion message that says where."""
    found = {}
    for path in paths:
        hits = found_in(path.read_bytes(), needles)
        if hits:
            found[str(path.relative_to(base))] = sorted({needles[hit] for hit in hits})
    return found


def test_the_scan_covers_instance_logs_storage_and_report(users_run):
    names = {str(path.relative_to(users_run.home.parent)) for path in users_run.scanned_files()}
    expected = {
        "dagster_home/history/runs.db",
        "dagster_home/history/runs/index.db",
        "dagster_home/schedules/schedules.db",
        "policies/out/users/report/report.json",
        "policies/out/users/report/report.md",
        "policies/out/users/report/report.html",
    }
    assert expected <= names
    runs = {name.split("/")[3] for name in names if name.startswith("dagster_home/anonymizer_storage/runs/")}
    assert len(runs) == 1, "the run keeps its stage files in a folder of its own"
    for run_id in runs:
        stored = {f"{name}.json.sealed" for name in ("field_classification", "risk_assessment")} | {
            f"{stage}.parquet.sealed" for stage in STAGE_TABLES
        }
        assert {f"dagster_home/anonymizer_storage/runs/{run_id}/users/{name}" for name in stored} <= names
    event_logs = {name for name in names if name.startswith("dagster_home/history/runs/")}
    assert len(event_logs - {"dagster_home/history/runs/index.db"}) == 1, "the demo policy publishes on its first attempt"
    assert any("/compute_logs/" in name for name in names)
    report = "policies/out/users/report/assessments/"
    assessments = {name.removeprefix(report).split("/")[0] for name in names if name.startswith(report)}
    assert len(assessments) == 1, "the run keeps its own assessment folder"
    for run_id in assessments:
        assert f"{report}{run_id}/data_docs/index.html" in names
        assert any(name.startswith(f"{report}{run_id}/data_docs/validations/") for name in names)
    assert sum(name.endswith("/report.json") and "/assessments/" in name for name in names) == 0, (
        "only a rejected attempt has a report of its own"
    )


def test_the_scanner_finds_every_raw_identifier_in_the_input_itself(users_run):
    needles = raw_identifier_needles(users_run.raw)
    assert set(needles.values()) == set(DIRECT_IDENTIFIERS)
    assert len(needles) > 0.95 * ROWS * len(DIRECT_IDENTIFIERS)
    assert found_in(users_run.input_path.read_bytes(), needles) == set(needles)


def test_no_raw_direct_identifier_in_any_file_the_pipeline_leaves(users_run):
    files = [path for path in users_run.scanned_files() if path != users_run.published]
    assert leaks(files, raw_identifier_needles(users_run.raw), users_run.home.parent) == {}


def test_published_columns_hold_no_raw_direct_identifier_value(users_run):
    published = pd.read_parquet(users_run.published)
    assert len(published) == ROWS
    cells = {column: set(published[column].dropna().astype(str)) for column in published.columns}
    for identifier in DIRECT_IDENTIFIERS:
        raw_values = set(users_run.raw[identifier].dropna().astype(str))
        shared = {column: values & raw_values for column, values in cells.items() if values & raw_values}
        assert shared == {}, identifier
    text = "\n".join("\n".join(values) for values in cells.values()).encode("utf-8")
    assert found_in(text, raw_identifier_needles(users_run.raw)) == set()


def test_no_key_or_derived_subkey_in_any_file_including_the_published_output(users_run):
    needles = key_needles()
    as_in_environment = encode_key_material(TEST_KEYS["storage"]).encode()
    assert as_in_environment in found_in(b"ANONYMIZER_KEY_STORAGE=" + as_in_environment + b"\n", needles)
    assert leaks(users_run.scanned_files(), needles, users_run.home.parent) == {}
    published = pd.read_parquet(users_run.published)
    text = "\n".join(published[name].astype(str).str.cat(sep="\n") for name in published.columns).encode()
    assert found_in(text, needles) == set()


def test_stage_tables_are_sealed_owner_only_and_never_plain_parquet(users_run):
    sealed = sorted(users_run.storage.rglob("*.parquet.sealed"))
    assert sorted(path.name for path in sealed) == sorted(f"{stage}.parquet.sealed" for stage in STAGE_TABLES), "one run: the demo publishes on its first attempt"
    storage_key = KeyProvider.from_keys({"storage": TEST_KEYS["storage"]})
    for path in sealed:
        data = path.read_bytes()
        assert data.startswith(b"APSEAL1\nstorage:v1\n"), path.name
        assert not data.startswith(b"PAR1") and not data.endswith(b"PAR1"), path.name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        stage, run_id = path.name.removesuffix(".parquet.sealed"), path.parent.parent.name
        bound = sealed_to("users", dg.AssetKey(["users", stage]), run_id, None)
        assert unseal(data, storage_key, bound, name=path.name).startswith(b"PAR1"), "the seal holds the stage's Parquet"


def test_only_the_published_dataset_is_plain_parquet(users_run):
    plain = [path for path in users_run.scanned_files() if path.read_bytes()[:4] == b"PAR1"]
    assert plain == [users_run.published]


@pytest.fixture(scope="module")
def daily_users_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Leftovers]:
    """The users arriving by day (examples/daily): two days read by `anonymize run --date`."""
    work = tmp_path_factory.mktemp("daily_users")
    with pytest.MonkeyPatch.context() as monkeypatch:
        home = isolate(monkeypatch, work)
        policy_path = work / "daily" / "policy.yaml"
        policy_path.parent.mkdir()
        shutil.copy(EXAMPLE.parent / "daily" / "policy.yaml", policy_path)
        shutil.copytree(EXAMPLE / "hierarchies", work / "users" / "hierarchies")
        policy = load_policy(policy_path)
        users = generate_users(ROWS, SEED)
        halves = {DAILY_DAYS[0]: users.iloc[: ROWS // 2], DAILY_DAYS[1]: users.iloc[ROWS // 2 :]}
        for day, share in halves.items():
            write_table(share.reset_index(drop=True), day_location(policy.dataset.input, datetime.date.fromisoformat(day)))
        write_table(generate_external_registry(users, overlap=0.5, seed=SEED + 1), policy.risk.linkage_attack.external)

        assert main(["run", str(policy_path), "--quiet", *(f"--date={day}" for day in DAILY_DAYS)]) == 0

        yield Leftovers(
            raw=users,
            input_path=Path(str(policy.dataset.input.path).replace("{date}", DAILY_DAYS[0])),
            home=home,
            storage=home / "anonymizer_storage",
            report_dir=Path(policy.dataset.output.path).parent / "report",
            published=Path(policy.dataset.output.path),
        )


def test_days_are_sealed_to_their_day_and_nothing_raw_or_secret_is_left(daily_users_run):
    days = sorted((daily_users_run.storage / "daily_users" / "daily_arrivals").iterdir())
    assert [path.name for path in days] == [f"{day}.parquet.sealed" for day in DAILY_DAYS]
    storage_key = KeyProvider.from_keys({"storage": TEST_KEYS["storage"]})
    for day, path in zip(DAILY_DAYS, days):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        bound = sealed_to("daily_users", dg.AssetKey(["daily_users", "daily_arrivals"]), None, day)
        assert unseal(path.read_bytes(), storage_key, bound, name=path.name).startswith(b"PAR1")
    files = [path for path in daily_users_run.scanned_files() if path != daily_users_run.published]
    assert leaks(files, raw_identifier_needles(daily_users_run.raw), daily_users_run.home.parent) == {}
    assert leaks(daily_users_run.scanned_files(), key_needles(), daily_users_run.home.parent) == {}
    assert len(pd.read_parquet(daily_users_run.published)) == ROWS
