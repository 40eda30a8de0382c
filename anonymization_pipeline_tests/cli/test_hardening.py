"""Adversarial cases of `anonymize run`: each numbered finding of issue 11 that shows at the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from anonymization_pipeline.cli.main import main
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
