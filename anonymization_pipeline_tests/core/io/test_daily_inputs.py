import datetime

import pandas as pd
import pytest

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.io import parse_location, write_table
from anonymization_pipeline.core.io.daily_inputs import check_day, day_location, expired_days, parse_day, read_day
from anonymization_pipeline.core.policy.model import DailyPartitions

NOV = DailyPartitions(start_date=datetime.date(2026, 11, 1), end_date=datetime.date(2026, 11, 4))
ARRIVALS = pd.DataFrame(
    {
        "id": [1, 2, 3, 4, 5],
        "on_date": [datetime.date(2026, 11, d) for d in (1, 2, 2, 3, 3)],
        "at_time": pd.to_datetime(
            ["2026-11-01 23:59:59", "2026-11-02 00:00", "2026-11-02 18:30", "2026-11-03 00:00", "2026-11-03 07:00"], format="ISO8601"
        ),
        "as_text": ["2026-11-01", "2026-11-02", "2026-11-02 18:30:00", "2026-11-03", "2026-11-03T07:00"],
    }
)


def test_days_are_iso_dates_inside_the_partitions():
    assert parse_day("2026-11-03") == datetime.date(2026, 11, 3)
    with pytest.raises(ConfigurationError, match=r"^'2026-11-31' is not a day like 2026-11-03$"):
        parse_day("2026-11-31")
    with pytest.raises(ConfigurationError, match=r"^2026-10-31 is before daily_partitions.start_date 2026-11-01$"):
        check_day(NOV, datetime.date(2026, 10, 31))
    with pytest.raises(ConfigurationError, match=r"^2026-11-04 is not before daily_partitions.end_date 2026-11-04 \(exclusive\)$"):
        check_day(NOV, datetime.date(2026, 11, 4))
    check_day(DailyPartitions(start_date=datetime.date(2026, 11, 1)), datetime.date(2030, 1, 1))


def test_a_file_per_day_is_named_by_its_date(tmp_path):
    location = parse_location(str(tmp_path / "users_{date}.csv"))
    write_table(ARRIVALS.iloc[1:3].astype(str), day_location(location, datetime.date(2026, 11, 2)))
    assert (tmp_path / "users_2026-11-02.csv").is_file()
    assert read_day(location, NOV, datetime.date(2026, 11, 2))["id"].tolist() == ["2", "3"]
    with pytest.raises(InputDataError, match=r"users_2026-11-03\.csv"):
        read_day(location, NOV, datetime.date(2026, 11, 3))
    with pytest.raises(ConfigurationError, match=r"has no \{date\} to name a day's file$"):
        day_location(parse_location(str(tmp_path / "users.csv")), datetime.date(2026, 11, 2))


@pytest.mark.parametrize("column", ["on_date", "at_time", "as_text"])
def test_a_table_is_read_by_the_day_its_date_column_falls_on(database, column):
    location = parse_location(database.location_uri())
    write_table(ARRIVALS, location)
    daily = NOV.model_copy(update={"date_column": column})
    days = {day: read_day(location, daily, datetime.date(2026, 11, day))["id"].tolist() for day in (1, 2, 3)}
    assert days == {1: [1], 2: [2, 3], 3: [4, 5]}


def test_a_table_day_without_rows_or_without_the_column_is_an_error(database):
    location = parse_location(database.location_uri())
    write_table(ARRIVALS.iloc[:3], location)
    with pytest.raises(InputDataError, match=r" has no rows on 2026-11-03 \(column 'on_date'\)$"):
        read_day(location, NOV.model_copy(update={"date_column": "on_date"}), datetime.date(2026, 11, 3))
    with pytest.raises(InputDataError, match=r" has no date column 'arrived'$"):
        read_day(location, NOV.model_copy(update={"date_column": "arrived"}), datetime.date(2026, 11, 1))
    with pytest.raises(ConfigurationError, match=r"needs daily_partitions.date_column$"):
        read_day(location, NOV, datetime.date(2026, 11, 1))


def test_a_day_expires_when_its_end_is_older_than_the_retention():
    end_of_nov_2 = datetime.datetime(2026, 11, 3, tzinfo=datetime.UTC).timestamp()
    days = ["2026-11-03", "2026-11-01", "2026-11-02"]
    assert expired_days(days, retention_seconds=3_600, now=end_of_nov_2 + 3_600) == ["2026-11-01", "2026-11-02"]
    assert expired_days(days, retention_seconds=3_600, now=end_of_nov_2 + 3_599) == ["2026-11-01"]
