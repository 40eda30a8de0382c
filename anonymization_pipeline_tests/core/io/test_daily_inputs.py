import datetime
import uuid

import pandas as pd
import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.io import parse_location, write_table
from anonymization_pipeline.core.io.sql_engine import parse_sql_url
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
    open_ended = DailyPartitions(start_date=datetime.date(2026, 11, 1))
    check_day(open_ended, datetime.date(2030, 1, 1), today=datetime.date(2030, 1, 2))
    with pytest.raises(ConfigurationError, match=r"^2030-01-02 is not over yet \(UTC\): a day is read once it has ended$"):
        check_day(open_ended, datetime.date(2030, 1, 2), today=datetime.date(2030, 1, 2))


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


def test_a_time_zone_aware_column_is_read_by_utc_day_whatever_the_session_zone(postgres_url):
    """New York is behind UTC: with naive bounds a 23:30 UTC row would fall on the next day."""
    table = f"io_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(parse_sql_url(postgres_url), poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE TABLE {table} (id integer, at timestamptz)")
            connection.exec_driver_sql(
                f"INSERT INTO {table} VALUES (1, '2026-11-01 23:30+00'), (2, '2026-11-02 00:30+00'), (3, '2026-11-02 23:59+00')"
            )
        in_new_york = f"{postgres_url}?options=-c%20TimeZone%3DAmerica/New_York"
        location = parse_location(f"{in_new_york}#{table}")
        daily = NOV.model_copy(update={"date_column": "at"})
        days = {day: read_day(location, daily, datetime.date(2026, 11, day))["id"].tolist() for day in (1, 2)}
        assert days == {1: [1], 2: [2, 3]}
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        engine.dispose()
