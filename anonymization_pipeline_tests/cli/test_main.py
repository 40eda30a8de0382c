"""The `anonymize` command: exit codes, one-line errors, and the reports it writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from anonymization_pipeline.cli.main import main

ANONYMIZE = str(Path(sys.executable).parent / "anonymize")


def test_validate_accepts_a_good_policy(adult_policy_file, capsys):
    assert main(["validate", str(adult_policy_file())]) == 0
    assert capsys.readouterr().out == (
        "policy OK: dataset 'adult'; fields: 9 quasi_identifier; targets: {'k': 5, 'max_suppression': 0.0}\n"
    )


def test_validate_reports_each_problem_on_its_own_line_with_exit_2(tmp_path, capsys):
    policy = tmp_path / "bad.yaml"
    policy.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "dataset": {"name": "x", "input": {"format": "csv", "path": "a.csv"}, "output": {"format": "csv"}},
                "fields": {"age": {"class": "quasi_identifier", "method": "generalise", "hierarchy": {"prefix": [1, 0]}}},
                "privacy": {"k": 5},
            }
        )
    )
    assert main(["validate", str(policy)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: dataset.output.path: required",
        "error: fields.age.method: 'generalise' is not allowed: a quasi_identifier is generalized through its hierarchy",
    ]


def test_policy_schema_is_json_schema_with_the_class_alias(capsys):
    assert main(["policy", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Policy"
    assert "class" in schema["$defs"]["FieldPolicy"]["properties"]


def test_run_publishes_and_writes_both_reports(adult_policy_file, tmp_path, capsys):
    report_dir = tmp_path / "reports"
    assert main(["run", str(adult_policy_file()), "--report", str(report_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("published: adult\n  rows: 30162 in, 30162 published, 0 suppressed\n")
    report = json.loads((report_dir / "report.json").read_text())
    assert report["rows"]["rows_in"] == 30162 and report["status"] == "published"
    assert "| 30162 | 30162 | 30162 | 0 |" in (report_dir / "report.md").read_text()
    assert len(pd.read_parquet(tmp_path / "out" / "adult.parquet")) == 30162


def test_run_with_an_unmet_target_exits_1_and_publishes_nothing(adult_policy_file, tmp_path, capsys):
    assert main(["run", str(adult_policy_file(risk={"max_prosecutor_risk": 0.01})), "--quiet"]) == 1
    assert capsys.readouterr().err == "error: not published: highest prosecutor risk is 0.1667; the policy allows 0.01\n"
    assert not (tmp_path / "out" / "adult.parquet").exists()


def test_run_with_a_missing_input_exits_2(adult_policy_file, tmp_path, capsys):
    assert main(["run", str(adult_policy_file()), "--input", str(tmp_path / "nowhere.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: adult/raw_records: ") and "nowhere.csv" in err and len(err.splitlines()) == 1


def test_run_with_an_unlisted_column_exits_2_naming_it(adult_policy_file, tmp_path, capsys):
    data = pd.read_csv(Path(yaml.safe_load(adult_policy_file().read_text())["dataset"]["input"]["path"]), sep=";", dtype=str)
    data["ssn"] = "123-45-6789"
    data.to_csv(tmp_path / "with_ssn.csv", index=False)
    assert main(["run", str(adult_policy_file()), "--input", str(tmp_path / "with_ssn.csv")]) == 2
    stage_log, error = capsys.readouterr().err.splitlines()
    assert stage_log == f"  read 30162 rows and 10 columns from CSV file {tmp_path}/with_ssn.csv", "each stage says what it did"
    assert error == (
        "error: adult/field_classification: the input has column 'ssn' that the policy does not mention; "
        "add them to 'fields' or set 'unlisted_columns: drop'"
    )


def test_console_script_prints_no_traceback_for_a_bad_policy(tmp_path):
    completed = subprocess.run([ANONYMIZE, "run", str(tmp_path / "missing.yaml")], capture_output=True, text=True)
    assert completed.returncode == 2
    assert completed.stderr == f"error: {tmp_path / 'missing.yaml'}: cannot read the policy file (No such file or directory)\n"
    assert completed.stdout == ""


def test_run_with_a_report_folder_that_cannot_be_created_exits_2_before_reading_anything(adult_policy_file, tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    assert main(["run", str(adult_policy_file()), "--report", str(blocker / "reports")]) == 2
    assert capsys.readouterr().err == f"error: cannot create the report folder {blocker / 'reports'}: Not a directory\n"
    assert not (tmp_path / "out").exists()


def test_console_script_delivers_all_its_output_through_a_pipe_before_it_exits(adult_policy_file):
    schema = subprocess.run([ANONYMIZE, "policy", "schema"], capture_output=True, text=True, timeout=60)
    assert schema.returncode == 0 and schema.stderr == ""
    assert len(schema.stdout) > 10_000 and json.loads(schema.stdout)["title"] == "Policy"
    valid = subprocess.run([ANONYMIZE, "validate", str(adult_policy_file())], capture_output=True, text=True, timeout=60)
    assert (valid.returncode, valid.stdout.startswith("policy OK: dataset 'adult'")) == (0, True)
