"""`anonymize run --engine spark`: the pandas run's result, its exit codes, its reports."""

from __future__ import annotations

import json
import re

import pyarrow.parquet as pq

from anonymization_pipeline.cli.main import main


def test_spark_run_publishes_what_the_pandas_run_publishes(spark, adult_policy_file, tmp_path, capsys):
    policy = str(adult_policy_file(privacy={"k": 5, "max_suppression": 0.02, "metric": "loss"}))
    spark_output = tmp_path / "spark" / "adult.parquet"
    assert main(["run", policy, "--engine", "spark", "--output", str(spark_output), "--report", str(tmp_path / "spark-report")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("published: adult\n  rows: 30162 in, 30162 published, ")
    assert main(["run", policy, "--report", str(tmp_path / "pandas-report")]) == 0
    on_spark = json.loads((tmp_path / "spark-report" / "report.json").read_text())
    on_pandas = json.loads((tmp_path / "pandas-report" / "report.json").read_text())
    for key in ("transformation", "information_loss", "suppressed_rows", "equivalence_classes", "k_achieved"):
        assert on_spark["privacy"][key] == on_pandas["privacy"][key], key
    assert on_spark["rows"] == on_pandas["rows"]
    assert on_spark["status"] == "published" and on_spark["output"] == f"Parquet file {spark_output}"
    assert pq.read_table(spark_output).num_rows == 30162
    assert "| 30162 | 30162 |" in (tmp_path / "spark-report" / "report.md").read_text()
    plots = lambda report: dict(re.findall(r'<img alt="([^"]+)" src="([^"]+)"', (tmp_path / report / "report.html").read_text()))  # noqa: E731
    assert plots("spark-report") == plots("pandas-report")  # the same plots, drawn from the same counts
    assert {"class_sizes", "risk_bands", "information_loss", "marginal_age"} <= set(plots("spark-report"))


def test_an_unmet_target_exits_1_and_publishes_nothing(spark, adult_policy_file, tmp_path, capsys):
    policy = str(adult_policy_file(risk={"max_average_risk": 0.001}))
    output = tmp_path / "spark" / "adult.parquet"
    assert main(["run", policy, "--engine", "spark", "--output", str(output), "--report", str(tmp_path / "report")]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("error: not published: average prosecutor risk is ")
    assert not output.exists()
    rejected = list((tmp_path / "report" / "assessments").glob("*/report.json"))
    assert len(rejected) == 1 and json.loads(rejected[0].read_text())["status"] == "not_published"


def test_a_daily_input_is_refused_on_spark_with_exit_2(spark, daily_adult_policy_file, capsys):
    assert main(["run", str(daily_adult_policy_file()), "--engine", "spark"]) == 2
    assert "engine spark reads its input whole" in capsys.readouterr().err
