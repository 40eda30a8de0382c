"""`anonymize run --date`: read days of an input that arrives by day, then publish their union."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest
import yaml

from anonymization_pipeline.cli.main import main


def test_days_given_are_read_then_the_union_is_published(daily_adult_policy_file, tmp_path, capsys):
    policy = str(daily_adult_policy_file())

    assert main(["run", policy, "--date", "2026-11-03", "--date", "2026-11-01"]) == 0
    assert capsys.readouterr().out.startswith("published: adult\n  rows: 15003 in, 15003 published, 0 suppressed\n")
    assert main(["run", policy, "--date", "2026-11-02"]) == 0
    assert capsys.readouterr().out.startswith("published: adult\n  rows: 30162 in, 30162 published, 0 suppressed\n")
    assert len(pd.read_parquet(tmp_path / "out" / "adult.parquet")) == 30162

    assert main(["run", policy]) == 0, "without --date, the days already read are published again"
    assert "rows: 30162 in" in capsys.readouterr().out
    assert main(["audit", "--asset", "daily_arrivals"]) == 0
    table = capsys.readouterr().out
    assert sorted(line.split()[3] for line in table.splitlines()[1:]) == [
        "daily_arrivals[2026-11-01]",
        "daily_arrivals[2026-11-02]",
        "daily_arrivals[2026-11-03]",
    ]


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (["2026-11-31"], "error: '2026-11-31' is not a day like 2026-11-03"),
        (["2026-10-31"], "error: 2026-10-31 is before daily_partitions.start_date 2026-11-01"),
        (["2026-11-05"], "error: 2026-11-05 is not before daily_partitions.end_date 2026-11-05 (exclusive)"),
        ([], "error: adult/raw_records: no day of the input has been read yet: "
             "materialize a daily_arrivals partition, or run with --date YYYY-MM-DD"),
    ],
)
def test_a_bad_day_or_no_day_exits_2_with_one_line_and_publishes_nothing(
    daily_adult_policy_file, tmp_path, capsys, dates, message
):
    arguments = [argument for date in dates for argument in ("--date", date)]
    assert main(["run", str(daily_adult_policy_file()), *arguments, "--quiet"]) == 2
    assert capsys.readouterr().err.splitlines() == [message]
    assert not (tmp_path / "out" / "adult.parquet").exists()


def test_today_is_not_over_and_exits_2(tmp_path, capsys):
    today = datetime.datetime.now(datetime.UTC).date()
    document = {
        "version": 1,
        "dataset": {
            "name": "people",
            "input": {"format": "csv", "path": str(tmp_path / "in_{date}.csv")},
            "daily_partitions": {"start_date": "2026-11-01"},
            "output": {"format": "csv", "path": str(tmp_path / "out.csv")},
        },
        "fields": {"name": {"class": "direct_identifier", "method": "drop"}},
    }
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump(document))
    assert main(["run", str(policy), "--date", today.isoformat()]) == 2
    assert capsys.readouterr().err.splitlines() == [f"error: {today} is not over yet (UTC): a day is read once it has ended"]


def test_a_day_stored_from_another_input_is_never_published(daily_adult_policy_file, tmp_path, capsys):
    policy = str(daily_adult_policy_file())
    assert main(["run", policy, "--date", "2026-11-01", "--quiet"]) == 0
    published = (tmp_path / "out" / "adult.parquet").read_bytes()
    (tmp_path / "adult_2026-11-02.csv").rename(tmp_path / "other_2026-11-02.csv")

    code = main(["run", policy, "--input", str(tmp_path / "other_{date}.csv"), "--date", "2026-11-02", "--quiet"])

    assert code == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: adult/raw_records: the stored 2026-11-01 was read from CSV file {tmp_path}/adult_2026-11-01.csv "
        f"for dataset 'adult', not from CSV file {tmp_path}/other_2026-11-01.csv for 'adult': "
        "read the day again (--date 2026-11-01)"
    ]
    assert (tmp_path / "out" / "adult.parquet").read_bytes() == published


def test_a_day_without_its_file_exits_2_before_anything_is_published(daily_adult_policy_file, tmp_path, capsys):
    assert main(["run", str(daily_adult_policy_file()), "--date", "2026-11-01", "--date", "2026-11-04", "--quiet"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: adult/daily_arrivals: ") and "adult_2026-11-04.csv" in line
    assert not (tmp_path / "out" / "adult.parquet").exists()


def test_a_date_for_a_policy_read_whole_exits_2(adult_policy_file, capsys):
    assert main(["run", str(adult_policy_file()), "--date", "2026-11-01"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: --date: this policy reads its input whole; dataset.daily_partitions reads it by day"
    ]


def test_validate_says_the_input_is_read_by_day(daily_adult_policy_file, capsys):
    assert main(["validate", str(daily_adult_policy_file())]) == 0
    assert capsys.readouterr().out == (
        "policy OK: dataset 'adult'; read by day from 2026-11-01 to 2026-11-05 (exclusive); "
        "fields: 9 quasi_identifier; targets: {'k': 5, 'max_suppression': 0.0}\n"
    )
