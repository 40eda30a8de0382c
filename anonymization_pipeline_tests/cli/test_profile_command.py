"""`anonymize profile`: a policy that runs as written, JSON evidence, and bad input in one line."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy import MetaData, Table, create_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import DropTable

from anonymization_pipeline.cli.main import main
from anonymization_pipeline.core.datasets import generate_users
from anonymization_pipeline.core.io import parse_location, write_table

ANONYMIZE = str(Path(sys.executable).parent / "anonymize")
DEMO_CLASSES = {
    "user_id": "direct_identifier",
    "full_name": "direct_identifier",
    "email": "direct_identifier",
    "phone": "direct_identifier",
    "ssn": "direct_identifier",
    "credit_card": "direct_identifier",
    "ip_address": "direct_identifier",
    "birth_date": "quasi_identifier",
    "sex": "quasi_identifier",
    "zipcode": "quasi_identifier",
    "city": "quasi_identifier",
    "diagnosis": "sensitive",
    "income": "sensitive",
    "signup_channel": "non_sensitive",
    "purchase_count": "non_sensitive",
}


@pytest.fixture
def demo_input(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "users.csv"
    write_table(generate_users(3_000, seed=7), parse_location(str(path)))
    return path


def test_profile_piped_to_a_file_runs_and_publishes(demo_input, tmp_path, capsys):
    policy_path = tmp_path / "policy.yaml"
    with policy_path.open("w") as policy_file:
        subprocess.run([ANONYMIZE, "profile", str(demo_input)], stdout=policy_file, check=True, cwd=tmp_path)

    policy = yaml.safe_load(policy_path.read_text())
    assert {name: field["class"] for name, field in policy["fields"].items()} == DEMO_CLASSES
    assert policy["fields"]["email"] == {"class": "direct_identifier", "method": "mask", "params": {"preset": "email"}}
    assert policy["fields"]["user_id"] == {"class": "direct_identifier", "method": "pseudonymize"}
    assert policy["fields"]["zipcode"]["hierarchy"] == {"prefix": [3, 1]}
    assert policy["fields"]["birth_date"]["hierarchy"] == {"dates": ["month", "year", "*"]}
    assert (policy["unlisted_columns"], policy["privacy"]) == ("reject", {"k": 5})
    assert "# email, confidence 0.99: 1000 non-missing values sampled of 3000 rows read" in policy_path.read_text()

    assert main(["validate", str(policy_path)]) == 0
    assert main(["run", str(policy_path), "--quiet"]) == 0
    published = pd.read_parquet(tmp_path / "out" / "users.parquet")
    assert len(published) == 3_000
    assert "full_name" not in published and "ssn" not in published
    assert published["email"].str.contains(r"^.\*\*\*@", regex=True).all()
    quasi_identifiers = ["birth_date", "sex", "zipcode", "city"]
    assert published.groupby(quasi_identifiers, dropna=False).size().min() >= 5


def test_profile_to_an_output_file_writes_category_tables_that_run_and_publish(demo_input, tmp_path, capsys):
    policy_path = tmp_path / "policies" / "users.yaml"
    assert main(["profile", str(demo_input), "--output", str(policy_path)]) == 0

    policy = yaml.safe_load(policy_path.read_text())
    assert policy["fields"]["sex"]["hierarchy"] == {"prefix": [0]}, "two values: value or * is all there is"
    assert policy["fields"]["city"]["hierarchy"] == {"table": "users_hierarchies/000_city.csv"}
    table = (policy_path.parent / "users_hierarchies" / "000_city.csv").read_text().splitlines()
    rows = {line.split(";")[0]: line.split(";")[1:] for line in table}
    shares = pd.read_csv(demo_input, dtype=str)["city"].value_counts(normalize=True)
    assert set(rows) == set(shares.index)
    assert {city: [city if share >= 0.05 else "other values", "*"] for city, share in shares.items()} == rows

    assert main(["run", str(policy_path), "--quiet"]) == 0
    published = pd.read_parquet(policy_path.parent / "out" / "users.parquet")
    assert len(published) == 3_000
    assert published.groupby(["birth_date", "sex", "zipcode", "city"], dropna=False).size().min() >= 5


def test_json_gives_class_kind_confidence_method_and_evidence(demo_input, capsys):
    assert main(["profile", str(demo_input), "--json", "--sample", "200", "--seed", "3"]) == 0
    columns = json.loads(capsys.readouterr().out)["columns"]
    assert {name: entry["class"] for name, entry in columns.items()} == DEMO_CLASSES
    assert columns["credit_card"]["kind"] == "credit_card" and columns["credit_card"]["method"] == "mask"
    assert columns["birth_date"]["method"] == "generalize"
    assert columns["phone"]["evidence"][0] == "200 non-missing values sampled of 3000 rows read (0 missing)"
    assert all(set(entry) == {"class", "kind", "confidence", "method", "evidence"} for entry in columns.values())


def test_output_option_writes_the_file(demo_input, tmp_path, capsys):
    target = tmp_path / "policies" / "users.yaml"
    assert main(["profile", str(demo_input), "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["validate", str(target)]) == 0


def test_a_sqlite_table_is_profiled_like_a_file(tmp_path, capsys):
    database = tmp_path / "users.db"
    with sqlite3.connect(database) as connection:
        generate_users(300, seed=2).to_sql("people", connection, index=False)
    assert main(["profile", f"sqlite:///{database}#people", "--json"]) == 0
    columns = json.loads(capsys.readouterr().out)["columns"]
    assert {name: entry["class"] for name, entry in columns.items()} == DEMO_CLASSES


def test_a_postgresql_table_is_profiled_from_its_first_rows(capsys):
    url = os.environ.get("ANONYMIZER_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("ANONYMIZER_TEST_POSTGRES_URL is not set: PostgreSQL profile test not run")
    table = f"profile_{uuid.uuid4().hex[:12]}"
    write_table(generate_users(500, seed=5), parse_location(f"{url}#{table}"))
    engine = create_engine(url, poolclass=NullPool)
    try:
        assert main(["profile", f"{url}#{table}", "--json", "--sample", "100"]) == 0
        profiled = json.loads(capsys.readouterr().out)
        assert {name: entry["class"] for name, entry in profiled["columns"].items()} == DEMO_CLASSES
        assert profiled["columns"]["income"]["evidence"][0] == "100 non-missing values sampled of 500 rows read (0 missing)"
    finally:
        with engine.begin() as connection:
            connection.execute(DropTable(Table(table, MetaData()), if_exists=True))
        engine.dispose()


def test_a_column_of_nulls_has_kind_unknown_and_is_dropped(tmp_path, capsys):
    path = tmp_path / "nulls.csv"
    path.write_text("email,empty\na@example.org,\nb@example.org,\n")
    assert main(["profile", str(path), "--json"]) == 0
    empty = json.loads(capsys.readouterr().out)["columns"]["empty"]
    assert (empty["kind"], empty["class"], empty["method"], empty["confidence"]) == ("unknown", "non_sensitive", "drop", 0.0)
    assert main(["profile", str(path)]) == 0
    assert "  empty: {class: non_sensitive, method: drop}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "missing.csv", "error: CSV file not found: {path}"),
        ("email,phone\n", "header_only.csv", "error: CSV file {path} has no rows"),
        (b"\x00\x01 not parquet", "broken.parquet", "error: "),
        ("a,b\n1,2\n", "table.xlsx", "error: unsupported location '{path}'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, content, name, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert main(["profile", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and captured.err.startswith(message.format(path=path))


def test_a_sample_size_below_one_is_refused(demo_input, capsys):
    assert main(["profile", str(demo_input), "--sample", "0"]) == 2
    assert capsys.readouterr().err == "error: --sample: must be at least 1, got 0\n"


def test_adult_is_profiled_with_its_delimiter_and_census_categories(tmp_path, capsys):
    from anonymization_pipeline.core.datasets.adult import adult_csv_path

    target = tmp_path / "adult.yaml"
    assert main(["profile", str(adult_csv_path()), "--output", str(target)]) == 0
    policy = yaml.safe_load(target.read_text())
    assert policy["dataset"]["input"]["delimiter"] == ";"
    classes = {name: field["class"] for name, field in policy["fields"].items()}
    assert classes.pop("salary-class") == "sensitive"
    assert set(classes.values()) == {"quasi_identifier"} and len(classes) == 8
    assert policy["fields"]["age"]["hierarchy"]["intervals"][0] == 0
    assert policy["fields"]["age"]["hierarchy"]["intervals"][-1] == 150
    occupation_table = target.parent / policy["fields"]["occupation"]["hierarchy"]["table"]
    occupations = {line.split(";")[0] for line in occupation_table.read_text().splitlines()}
    assert occupations == set(pd.read_csv(adult_csv_path(), sep=";", dtype=str, keep_default_na=False)["occupation"])
