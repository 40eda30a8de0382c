"""Adversarial cases of `anonymize run`: each numbered finding of issue 11 that shows at the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

from anonymization_pipeline.cli import policy_command
from anonymization_pipeline.cli.main import main
from anonymization_pipeline.core.pipeline import stages
from anonymization_pipeline_tests.small_case import write_small_case


def test_small_case_publishes(tmp_path, capsys):
    case = write_small_case(tmp_path)
    assert main(["run", str(case.policy), "--quiet"]) == 0, capsys.readouterr().err
    published = pd.read_csv(case.output, dtype=str)
    assert len(published) == len(case.frame) and set(published["source"]) == {"a"}


@pytest.mark.parametrize("how", ["same path", "--output equal to --input", "through a link"])
def test_output_equal_to_input_exits_2_and_leaves_the_input(tmp_path, capsys, how):
    """Finding 3: the raw CSV was overwritten by its anonymized copy."""
    case = write_small_case(tmp_path)
    before = case.input.read_bytes()
    if how == "same path":
        args = ["run", str(case.policy), "--output", str(case.input)]
    elif how == "--output equal to --input":
        args = ["run", str(case.policy), "--input", str(case.input), "--output", str(tmp_path / "." / case.input.name)]
    else:
        link = tmp_path / "link.csv"
        link.symlink_to(case.input)
        args = ["run", str(case.policy), "--output", str(link)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "the output is the input" in err
    assert case.input.read_bytes() == before
    assert not (tmp_path / "report").exists() and not case.output.exists()


def test_a_relative_report_folder_works(tmp_path, capsys, monkeypatch):
    """Finding 6: Great Expectations refused a relative base_directory (exit 3)."""
    case = write_small_case(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["run", os.path.relpath(case.policy), "--report", "reports", "--quiet"]) == 0, capsys.readouterr().err
    assert (tmp_path / "reports" / "report.json").exists()


def test_a_relative_report_folder_works_for_a_rejection(tmp_path, capsys, monkeypatch):
    case = write_small_case(tmp_path, risk={"max_prosecutor_risk": 0.01})
    monkeypatch.chdir(tmp_path)
    assert main(["run", Path(case.policy).name, "--report", "reports", "--quiet"]) == 1
    assert capsys.readouterr().err.startswith("error: not published: ")
    assert list((tmp_path / "reports" / "assessments").glob("*/data_docs/index.html"))


# --- Finding 8: every bad input is one line and exit 2; an internal error is exit 3 and a log file


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err, err
    return err


def test_a_binary_csv_is_one_line_without_exception_noise(tmp_path, capsys):
    case = write_small_case(tmp_path)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(128, 256)) * 40)
    assert main(["run", str(case.policy), "--input", str(binary), "--quiet"]) == 2
    assert "cannot decode CSV file" in _one_error_line(capsys)
    assert not case.output.exists()


def test_an_output_whose_parent_is_a_file_is_one_line(tmp_path, capsys):
    case = write_small_case(tmp_path)
    (tmp_path / "file").write_text("x")
    assert main(["run", str(case.policy), "--output", str(tmp_path / "file" / "out.csv"), "--report", str(tmp_path / "r"), "--quiet"]) == 2
    assert "part of its folder path is a file" in _one_error_line(capsys)


@pytest.mark.parametrize(
    "content", [b"version: 1\n" + b"a: " + b"[" * 5000 + b"]" * 5000, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"], ids=["deep", "binary"]
)
def test_deep_or_binary_policies_are_one_line(tmp_path, capsys, content):
    policy = tmp_path / "policy.yaml"
    policy.write_bytes(content)
    for command in (["validate", str(policy)], ["run", str(policy)]):
        assert main(command) == 2
        _one_error_line(capsys)


def test_mixed_time_zones_in_a_date_column_are_generalized(tmp_path, capsys):
    case = write_small_case(tmp_path)
    frame = case.frame.assign(born=["1980-05-17T10:00:00+02:00", "1981-01-01T00:00:00Z", "1979-03-03"] * (len(case.frame) // 3))
    frame.to_csv(case.input, index=False)
    document = yaml.safe_load(case.policy.read_text())
    document["fields"]["born"] = {"class": "quasi_identifier", "hierarchy": {"dates": ["year", "*"]}}
    case.policy.write_text(yaml.safe_dump(document))
    assert main(["run", str(case.policy), "--quiet"]) == 0, capsys.readouterr().err


def test_an_internal_error_outside_dagster_is_exit_3_with_the_traceback_in_a_log(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ANONYMIZER_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(policy_command, "load_policy", lambda path: 1 / 0)
    assert main(["validate", "policy.yaml"]) == 3
    line = _one_error_line(capsys)
    assert line.startswith("error: internal error (ZeroDivisionError); the traceback is in ")
    (log,) = (tmp_path / "logs").iterdir()
    assert str(log) in line and "Traceback" in log.read_text() and log.stat().st_mode & 0o077 == 0


def test_an_internal_error_inside_a_step_is_exit_3_with_the_traceback_in_a_log(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ANONYMIZER_LOG_DIR", str(tmp_path / "logs"))
    case = write_small_case(tmp_path)

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(stages, "protect_sensitive", broken)
    assert main(["run", str(case.policy), "--quiet"]) == 3
    line = _one_error_line(capsys)
    assert line.startswith("error: people/sensitive_protected: internal error (KeyError); the traceback is in ")
    (log,) = (tmp_path / "logs").iterdir()
    assert 'raise KeyError("a bug")' in log.read_text() and not case.output.exists()
