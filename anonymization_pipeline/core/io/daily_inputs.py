"""One day of an input that arrives by day (`dataset.daily_partitions`).

A day is read on its own, so a late or broken day fails alone and is visible as such; the pipeline
then works on the union of the days read so far, because k-anonymity and re-identification risk
only mean something over everything that is published together.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable

import pandas as pd

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.io.locations import AnyLocation, describe_location
from anonymization_pipeline.core.io.reading import read_table
from anonymization_pipeline.core.io.sql_tables import iter_sql_batches
from anonymization_pipeline.core.policy.model import DATE_PLACEHOLDER, DailyPartitions, SqlLocation


def parse_day(text: str) -> datetime.date:
    """A day as YYYY-MM-DD, the form of Dagster's daily partition keys and of `{date}` in paths."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ConfigurationError(f"'{text}' is not a day like 2026-11-03") from None


def check_day(daily: DailyPartitions, day: datetime.date, today: datetime.date | None = None) -> None:
    """Refuse a day outside the policy's partitions, or one not over yet (UTC), before anything is read."""
    today = today or datetime.datetime.now(datetime.UTC).date()
    if day >= today:
        raise ConfigurationError(f"{day} is not over yet (UTC): a day is read once it has ended")
    if day < daily.start_date:
        raise ConfigurationError(f"{day} is before daily_partitions.start_date {daily.start_date}")
    if daily.end_date is not None and day >= daily.end_date:
        raise ConfigurationError(f"{day} is not before daily_partitions.end_date {daily.end_date} (exclusive)")


def day_location(location: AnyLocation, day: datetime.date) -> AnyLocation:
    """The file of `day`: `{date}` in the path replaced by the day. A SQL location is unchanged."""
    if isinstance(location, SqlLocation):
        return location
    path = str(location.path)
    if DATE_PLACEHOLDER not in path:
        raise ConfigurationError(f"the input {path} has no {DATE_PLACEHOLDER} to name a day's file")
    return location.model_copy(update={"path": type(location.path)(path.replace(DATE_PLACEHOLDER, day.isoformat()))})


def read_day(location: AnyLocation, daily: DailyPartitions, day: datetime.date) -> pd.DataFrame:
    """The rows that arrived on `day`. A day with no file or no rows is an error, never an empty day:
    a missing delivery must be seen, not published as if nothing had happened.

    >>> read_day(parse_location("data/users_{date}.csv"), daily, date(2026, 11, 3)).shape  # doctest: +SKIP
    (2000, 15)
    """
    check_day(daily, day)
    if not isinstance(location, SqlLocation):
        return read_table(day_location(location, day))
    if daily.date_column is None:
        raise ConfigurationError("a SQL input read by day needs daily_partitions.date_column")
    batches = [batch for batch in iter_sql_batches(location, location.batch_size, (daily.date_column, day)) if len(batch)]
    if not batches:
        raise InputDataError(f"{describe_location(location)} has no rows on {day} (column '{daily.date_column}')")
    return pd.concat(batches, ignore_index=True)


def expired_days(days: Iterable[str], retention_seconds: int, now: float | None = None) -> list[str]:
    """The days whose end (midnight UTC after them) lies more than the retention in the past."""
    cutoff = (time.time() if now is None else now) - retention_seconds
    return sorted(day for day in days if _end_of(parse_day(day)) <= cutoff)


def _end_of(day: datetime.date) -> float:
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), datetime.UTC).timestamp()
