"""Profiling a whole input: read a window, sample every column, judge each one.

>>> profile = profile_location(parse_location("users.csv"))  # doctest: +SKIP
>>> profile.columns[0].kind.value  # doctest: +SKIP
'customer_reference'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.io import AnyLocation, describe_location, iter_batches
from anonymization_pipeline.core.profiling.column_profile import ColumnProfile, profile_column
from anonymization_pipeline.core.profiling.category_hierarchy import category_counts, frequency_rows
from anonymization_pipeline.core.profiling.protection import SUPPRESS_ONLY, protection
from anonymization_pipeline.core.profiling.sampling import (
    DEFAULT_SAMPLE_SIZE,
    ColumnSample,
    sample_table,
    window_rows,
)


@dataclass(frozen=True)
class TableProfile:
    """Every column's profile, with the samples they were judged on (never printed: they hold data)."""

    source: str
    rows_read: int
    sample_size: int
    seed: int
    columns: list[ColumnProfile]
    samples: list[ColumnSample] = field(repr=False)
    categories: dict[str, list[list[str]]] = field(default_factory=dict, repr=False)
    """Frequency-grouped hierarchy rows of categorical quasi-identifiers, when every value was seen."""

    def as_json(self) -> dict[str, Any]:
        """`{"columns": {name: {class, kind, confidence, method, evidence}}}` with the suggested method."""
        columns = {}
        for profile, sample in zip(self.columns, self.samples):
            entry = protection(profile, sample)
            columns[profile.name] = {
                "class": profile.field_class.value,
                "kind": profile.kind.value,
                "confidence": profile.confidence,
                "method": entry["method"],
                "evidence": profile.evidence,
            }
        return {"source": self.source, "rows_read": self.rows_read, "sample_size": self.sample_size, "columns": columns}


def profile_frame(
    frame: pd.DataFrame,
    sample_size: int = DEFAULT_SAMPLE_SIZE,
    seed: int = 0,
    source: str = "",
    rest: Iterable[pd.DataFrame] | None = None,
) -> TableProfile:
    """Profile the columns of a frame already in memory.

    `rest` is the remainder of the input after `frame` (`()` when `frame` is all of it), read only to
    count the values of categorical quasi-identifiers for their hierarchy tables; None (the default)
    lists no categories and reads nothing more."""
    _check_sample_size(sample_size)
    sampled = sample_table(frame, sample_size, seed, source)
    profiles = [profile_column(column) for column in sampled.columns]
    categories = {}
    if rest is not None:
        wanted = {
            name: profile.name
            for name, profile, sample in zip(frame.columns, profiles, sampled.columns)
            if protection(profile, sample).get("hierarchy") == SUPPRESS_ONLY
        }
        counts = category_counts(itertools.chain([frame], rest), list(wanted)) if wanted else {}
        categories = {wanted[name]: rows for name, found in counts.items() if (rows := frequency_rows(found)) is not None}
    return TableProfile(source, sampled.rows_read, sample_size, seed, profiles, sampled.columns, categories)


def profile_location(
    location: AnyLocation, sample_size: int = DEFAULT_SAMPLE_SIZE, seed: int = 0, list_categories: bool = False
) -> TableProfile:
    """Profile an input from the first rows of it (see `sampling` for how many are read); with
    `list_categories`, the rest of the input is read too, for the categories' hierarchy tables."""
    _check_sample_size(sample_size)
    source = describe_location(location)
    batches = iter_batches(location, batch_size=window_rows(sample_size))
    frame = next(batches)
    return profile_frame(frame, sample_size, seed, source, rest=batches if list_categories else None)


def _check_sample_size(sample_size: int) -> None:
    if sample_size < 1:
        raise ConfigurationError(f"--sample: must be at least 1, got {sample_size}")
