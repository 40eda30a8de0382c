"""Guessing a CSV file's delimiter from its first records.

Used when nobody said which delimiter a file has (a path given on the command line, a policy
without `delimiter`). Exports from European spreadsheets use `;`, database dumps often tab or `|`,
so a fixed `,` would turn such a file into one wide column without any error.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_BYTES = 64 * 1024
_SAMPLE_RECORDS = 50


def sniff_delimiter(path: Path, encoding: str, quotechar: str) -> str:
    """The candidate that splits the sampled records into the same number (> 1) of fields, the
    most fields winning; `,` when no candidate splits the header.

    >>> sniff_delimiter(Path("people.csv"), "utf-8", '"')  # doctest: +SKIP
    ';'
    """
    with path.open("rb") as handle:
        raw = handle.read(_SAMPLE_BYTES)
    text = raw.decode(encoding, errors="replace").lstrip("\ufeff")
    truncated = len(raw) == _SAMPLE_BYTES
    best, best_score = ",", (False, 1)
    for delimiter in CANDIDATE_DELIMITERS:
        widths = _record_widths(text, delimiter, quotechar, drop_last=truncated)
        if not widths:
            continue
        score = (len(set(widths)) == 1, widths[0])
        if widths[0] > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def _record_widths(text: str, delimiter: str, quotechar: str, drop_last: bool) -> list[int]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar)
    try:
        widths = [len(record) for record, _ in zip(reader, range(_SAMPLE_RECORDS + 1)) if record]
    except csv.Error:
        return []
    return widths[:-1] if drop_last and len(widths) > 1 else widths[:_SAMPLE_RECORDS]
