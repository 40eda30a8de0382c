"""The vectorised leak check agrees exactly with a plain per-value reference on random text.

The reference below restates the rules value by value, in Python, as the module docstring of
`identifier_digests` describes them; any shortcut the fast path takes (distinct values only,
windows read only from long numbers, byte tables, match masks) must give the same counts. The
chance bound is restated with SciPy's Poisson distribution as the oracle of the tail.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from unittest import mock

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import poisson

from anonymization_pipeline.core.validation.coincidence import ALPHA
from anonymization_pipeline.core.validation import leak_scan as leak_scan_module
from anonymization_pipeline.core.validation.identifier_digests import DigestSet, IdentifierDigests, identifier_digests
from anonymization_pipeline.core.validation.leak_scan import leak_findings, leak_scan

KEY = os.urandom(32)
SEPARATORS = set(" -.()/+")


def _normalised(value: str | None) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", value).strip().lower()
    return "".join(_ascii_number_character(char) for char in text)


def _ascii_number_character(char: str) -> str:
    if unicodedata.category(char) == "Nd":
        return str(unicodedata.decimal(char))
    if unicodedata.category(char) == "Pd":
        return "-"
    return {"\u2212": "-", "\u066b": ".", "\u066c": ","}.get(char, char)


def _identifying(text: str | None) -> bool:
    return bool(text) and not (text.isascii() and text.isdigit() and len(text) < 6)


def _numbers(text: str) -> list[str]:
    """Runs of ASCII digits, separators skipped, none of whose digits touches a letter."""
    touching = [
        char.isascii() and char.isdigit() and any(0 <= j < len(text) and (not text[j].isascii() or text[j].isalpha()) for j in (i - 1, i + 1))
        for i, char in enumerate(text)
    ]
    runs, digits, word = [], "", False
    for char, touches in [(c, t) for c, t in zip(text, touching) if c not in SEPARATORS] + [("", False)]:
        if char.isascii() and char.isdigit():
            digits, word = digits + char, word or touches
            continue
        if digits and not word:
            runs.append(digits)
        digits, word = "", False
    return runs


def _windows(run: str, length: int) -> list[str]:
    """The `length`-digit windows of a number longer than `length`."""
    return [run[i : i + length] for i in range(len(run) - length + 1)] if len(run) > length else []


def _reference(published: list[str | None], raw_columns: list[list[str | None]]) -> dict[str, int]:
    raw = [text for column in raw_columns for text in map(_normalised, column) if _identifying(text)]
    wholes = set(raw)
    numbers = {run for text in raw for run in _numbers(text) if 8 <= len(run) <= 19}
    locals_ = {text.rsplit("@", 1)[0] for text in raw if "@" in text and len(text.rsplit("@", 1)[0]) >= 4}
    texts = [_normalised(value) for value in published]
    held = Counter(texts)
    checked = {text for text in texts if _identifying(text) and held[text] < 5}
    lengths = {len(number) for number in numbers}
    windows = {length: [w for text in checked for run in _numbers(text) for w in _windows(run, length)] for length in lengths}
    raw_of_length = Counter(len(number) for number in numbers)
    chance = {
        length
        for length, found in windows.items()
        if (matches := sum(w in numbers for w in found))
        and poisson.sf(matches - 1, len(found) * raw_of_length[length] / 10**length) >= ALPHA
    }
    counts = Counter()
    for text in texts:
        if text not in checked:
            continue
        runs = _numbers(text)
        whole = text in wholes
        exact = any(run in numbers for run in runs)
        inside = {length for run in runs for length in lengths if any(w in numbers for w in _windows(run, length))}
        in_runs = exact or bool(inside - chance)
        in_local = any(token in locals_ for token in re.split(r"[^a-z0-9._%+\-]+", text) if len(token) >= 4)
        finding = whole or in_runs or in_local
        counts.update(checked=1, whole=whole, runs=in_runs, local=in_local, any=finding, chance=bool(inside) and not finding)
    return {
        "rows": len(published),
        "rows_checked": counts["checked"],
        "rows_not_identifying": len(published) - counts["checked"],
        "rows_matching_raw_identifiers": counts["whole"],
        "rows_containing_identifier_numbers": counts["runs"],
        "rows_containing_email_local_parts": counts["local"],
        "rows_with_findings": counts["any"],
        "rows_with_chance_number_matches": counts["chance"],
    }


_PIECES = st.one_of(
    st.sampled_from(["ann", "anna", "zeb.q@x.org", "Zebediah.Quux", "u_9f", "gcm:k:v1:", "9f", "x", "card", "É", "ß", "_", "@", "@example.org", ",", "  ", "-", ".", "(", ")", "/", "+", "%"]),
    st.text("0123456789", min_size=1, max_size=9),
    st.text("０１２３４５６７８９", min_size=1, max_size=5),
    st.text("٠١٢٣٤٥٦٧٨٩०१२३४५६७८९", min_size=1, max_size=9),
    st.sampled_from(["\u2013", "\u2212", "\u066c", "\u066b", "\u2010"]),
    st.text("-. ()/+", min_size=1, max_size=2),
)
_VALUES = st.one_of(st.none(), st.lists(_PIECES, max_size=6).map("".join))


@st.composite
def _tables(draw) -> tuple[list[str | None], list[list[str | None]]]:
    raw_columns = draw(st.lists(st.lists(_VALUES, min_size=1, max_size=12), min_size=1, max_size=3))
    raw_values = [value for column in raw_columns for value in column if value is not None]
    templates = st.sampled_from(["{}", " {} ", "see {} now", "{}x", "({})"])
    reused = st.tuples(st.sampled_from(raw_values), templates).map(lambda pair: pair[1].format(pair[0].upper()))
    published = draw(st.lists(_VALUES | reused if raw_values else _VALUES, max_size=30))
    repeated = draw(st.lists(st.sampled_from(published), max_size=12)) if published else []
    return published + repeated, raw_columns


def _digests_of(raw_columns: list[list[str | None]]) -> IdentifierDigests:
    union = IdentifierDigests()
    for column in raw_columns:
        union = union | identifier_digests(pd.Series(column, dtype=object), KEY)
    return union


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_the_fast_leak_check_agrees_with_a_per_value_reference(table):
    published, raw_columns = table
    union = _digests_of(raw_columns)
    expected = _reference(published, raw_columns)
    assert leak_findings(pd.Series(published, dtype=object), DigestSet(union, KEY)) == expected
    with mock.patch.object(leak_scan_module, "LOOKUP_CHUNK", 3):  # values looked up three at a time
        assert leak_findings(pd.Series(published, dtype=object), DigestSet(union, KEY)) == expected


def test_the_fast_leak_check_agrees_with_the_reference_where_chance_explains_matches():
    """Random 20-digit numbers against 3,000 raw 8-digit ones (λ ≈ 0.4 per 1,000 numbers), some
    holding a raw number once or as a whole number, in proportions that cross the bound."""
    rng = np.random.default_rng(11)
    raw = [f"{n:08d}" for n in rng.choice(np.arange(10**7, 10**8), 3_000, replace=False)]
    for size, leaked in [(1_000, 0), (4_000, 0), (4_000, 6), (500, 3)]:
        published = [f"{a:010d}{b:010d}" for a, b in rng.integers(0, 10**10, (size, 2))]
        published += [f"n {number}{i:05d}" for i, number in enumerate(raw[:leaked])] + [f"{raw[-1][:4]}-{raw[-1][4:]}"]
        expected = _reference(published, [raw])
        digest_set = DigestSet(identifier_digests(pd.Series(raw), KEY), KEY)
        assert leak_findings(pd.Series(published, dtype=object), digest_set) == expected
        with mock.patch.object(leak_scan_module, "LOOKUP_CHUNK", 250):  # windows and matches summed over chunks
            assert leak_findings(pd.Series(published, dtype=object), digest_set) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_the_scan_of_a_frame_agrees_with_the_reference_column_by_column(table):
    """All columns' chunks are looked up in one map; each column's counts must still be its own."""
    published, raw_columns = table
    union = _digests_of(raw_columns)
    prefixed = [None if value is None else f"id {value}" for value in published]
    frame = pd.DataFrame({"plain": pd.Series(published, dtype=object), "prefixed": pd.Series(prefixed, dtype=object)})
    expected = {"plain": _reference(published, raw_columns), "prefixed": _reference(prefixed, raw_columns)}
    with mock.patch.object(leak_scan_module, "LOOKUP_CHUNK", 2):
        assert leak_scan(frame, DigestSet(union, KEY)) == expected
