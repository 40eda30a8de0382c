"""Contribution bounding: each privacy unit keeps at most `max_rows` rows, chosen without looking
at any other unit.

The sensitivities of every query assume that adding or removing one person changes at most
`max_rows` rows. Truncation has to keep that true, so which rows a person keeps may depend only on
that person's own rows: each row's priority is a seeded hash of its content (never its position,
which moves when another person's rows come or go), and a person keeps their `max_rows` rows of
lowest priority. Identical rows share a priority and are interchangeable. Rows without a unit are
each their own person. Only the rows of people over the bound are hashed and sorted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class BoundedRows:
    """The rows kept, and how many were cut (a count, for the report)."""

    frame: pd.DataFrame
    rows_truncated: int
    units: int


def bound_contributions(frame: pd.DataFrame, unit_column: str, max_rows: int, seed: int) -> BoundedRows:
    """Keep at most `max_rows` rows per value of `unit_column`, vectorised.

    >>> frame = pd.DataFrame({"user": ["a", "a", "a", "b"], "x": [1, 2, 3, 4]})
    >>> bound_contributions(frame, "user", 2, seed=0).rows_truncated
    1
    """
    codes, uniques = pd.factorize(frame[unit_column], use_na_sentinel=True)
    missing = codes < 0
    if missing.any():
        codes = codes.copy()
        codes[missing] = len(uniques) + np.arange(int(missing.sum()))
    units = int(codes.max()) + 1 if len(codes) else 0
    if not len(codes) or int(np.bincount(codes).max()) <= max_rows:
        return BoundedRows(frame, 0, units)
    crowded = np.flatnonzero(np.bincount(codes)[codes] > max_rows)
    content = frame.drop(columns=unit_column).iloc[crowded]  # a unit's rows share the unit: it cannot order them
    rows = pd.util.hash_pandas_object(content, index=False).to_numpy() if content.shape[1] else np.zeros(len(crowded), np.uint64)
    priority = pd.util.hash_array(rows ^ _seed_mask(seed))  # pandas keys only text hashes; the seed enters here
    order = np.argsort(_unit_then_priority(codes[crowded], priority, units), kind="stable")
    sorted_codes = codes[crowded][order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    lengths = np.diff(np.r_[starts, len(order)])
    rank = np.arange(len(order)) - np.repeat(starts, lengths)
    keep = np.ones(len(codes), dtype=bool)
    keep[crowded[order[rank >= max_rows]]] = False
    return BoundedRows(frame[keep].reset_index(drop=True), int((~keep).sum()), units)


def _unit_then_priority(codes: np.ndarray, priority: np.ndarray, units: int) -> np.ndarray:
    """One uint64 key that sorts by unit, then by priority (its top bits): a single sort instead of
    numpy's two-pass lexsort. Rows of one unit whose truncated priorities tie keep their input
    order, which no other unit's rows can change."""
    unit_bits = max(int(units - 1).bit_length(), 1)
    return (codes.astype(np.uint64) << np.uint64(64 - unit_bits)) | (priority >> np.uint64(unit_bits))


def _seed_mask(seed: int) -> np.uint64:
    return np.uint64(int.from_bytes(hashlib.sha256(f"dp-truncation:{seed}".encode()).digest()[:8], "big"))
