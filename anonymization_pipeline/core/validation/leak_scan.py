"""The leak check of published columns: each column's distinct values looked up against the raw
identifiers' digests (`identifier_digests`), chunk by chunk, on the usable cores.

`leak_findings` checks one column; `leak_scan` checks a whole published frame for the
publication suite, which hands the counts to Great Expectations by handle. Either way a column's
values are found once (`CheckedValues`), looked up `LOOKUP_CHUNK` at a time, and the chunks'
tallies summed: tallies of disjoint sets of values add up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

from anonymization_pipeline.core.threads import map_in_threads
from anonymization_pipeline.core.validation.identifier_digests import (
    NUMBER_LENGTHS,
    DigestSet,
    LeakTally,
    check_key,
    checked,
    distinct_normalised,
    identifier_matches,
    leak_counts,
)

Result = TypeVar("Result")

LOOKUP_CHUNK = 50_000
"""Distinct values looked up at a time: a value's lookups (its text as Python objects, its
e-mail tokens, its windows) cost several times the value, and a column of a million ciphertexts
held them all at once for 900 MB. Tallies of disjoint sets of values add up, so chunks are
looked up on the usable cores at once."""


@dataclass(frozen=True)
class CheckedValues:
    """A published column's distinct normalised values that are looked up (those that could
    identify someone, `checked`), the rows holding each, and how many rows the column has."""

    text: pa.Array
    held: np.ndarray
    rows: int

    @classmethod
    def of(cls, column: pd.Series) -> CheckedValues:
        text, value_rows = distinct_normalised(column)
        wanted = checked(text, value_rows)
        return cls(text.filter(pa.array(wanted)), value_rows[wanted], int(value_rows.sum()))

    def chunks(self) -> list[pa.Array]:
        """The values, `LOOKUP_CHUNK` at a time, each looked up alone (`identifier_matches`)."""
        return [self.text.slice(start, LOOKUP_CHUNK) for start in range(0, len(self.text), LOOKUP_CHUNK)]

    def tally(self, matches: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> LeakTally:
        """The column's tally from what each of its chunks holds, in order: rows are summed per
        match mask, windows and window matches per number length."""
        masks = np.concatenate([np.zeros(0, np.int64), *(chunk_masks for chunk_masks, _, _ in matches)])
        windows = sum((chunk_windows for _, chunk_windows, _ in matches), np.zeros(len(NUMBER_LENGTHS), np.int64))
        window_matches = sum((chunk_matches for _, _, chunk_matches in matches), np.zeros(len(NUMBER_LENGTHS), np.int64))
        found = masks != 0
        kinds, kind_of = np.unique(masks[found], return_inverse=True)
        rows = np.bincount(kind_of, weights=self.held[found], minlength=kinds.size).astype(np.int64)
        return LeakTally(self.rows, int(self.held.sum()), dict(zip(kinds.tolist(), rows.tolist())), windows, window_matches)


def leak_findings(column: pd.Series, digest_set: DigestSet) -> dict[str, int]:
    """Counts of a published column's rows holding a raw identifier (`leak_counts`); values that
    identify no one are left out and counted. Each distinct value is checked once and counts for
    the rows that hold it; chunks of values are looked up on the usable cores at once."""
    values = CheckedValues.of(column)
    matches = map_in_threads(partial(identifier_matches, digest_set=digest_set), values.chunks())
    return leak_counts(values.tally(matches), digest_set.digests.number_counts)


@dataclass(frozen=True)
class ScanFailure:
    """A column the leak scan could not read: the type of the error, never its message (which
    could quote a value). Its check fails; the other columns are still scanned and judged."""

    error: str


def leak_scan(frame: pd.DataFrame, digest_set: DigestSet) -> dict[str, dict[str, int] | ScanFailure]:
    """Per column of a published frame, the counts of its rows holding a raw identifier (as
    `leak_findings` counts them), or why it could not be scanned. The columns' distinct values
    are found a column per thread, then the chunks of every column are looked up in one map on
    the usable cores, so one column of a million ciphertexts does not leave a core idle.

    >>> from anonymization_pipeline.core.validation.identifier_digests import identifier_digests
    >>> leak_scan(pd.DataFrame({"note": ["call ann"]}), DigestSet(identifier_digests(pd.Series(["ann"]), b"k" * 16), b"k" * 16))["note"]["rows_with_findings"]
    0
    """
    check_key(digest_set.key)
    columns = list(frame.columns)
    prepared = dict(zip(columns, map_in_threads(lambda name: _guarded(CheckedValues.of, frame[name]), columns)))
    readable = [name for name in columns if isinstance(prepared[name], CheckedValues)]
    work = [(name, chunk) for name in readable for chunk in prepared[name].chunks()]
    looked_up = map_in_threads(lambda item: _guarded(identifier_matches, item[1], digest_set), work)
    matches: dict[str, list] = {name: [] for name in readable}
    for (name, _), found in zip(work, looked_up):
        matches[name].append(found)
    scan: dict[str, dict[str, int] | ScanFailure] = {}
    for name in columns:
        failures = [found for found in [prepared[name], *matches.get(name, [])] if isinstance(found, ScanFailure)]
        scan[name] = failures[0] if failures else leak_counts(prepared[name].tally(matches[name]), digest_set.digests.number_counts)
    return scan


def _guarded(function: Callable[..., Result], *arguments: object) -> Result | ScanFailure:
    """`function(*arguments)`, or the type of what it raised: one column's check fails, the rest run."""
    try:
        return function(*arguments)
    except Exception as error:  # noqa: BLE001 - as Great Expectations does for a metric: this check fails, the rest run
        return ScanFailure(type(error).__name__)
