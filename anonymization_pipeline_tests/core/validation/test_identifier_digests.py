"""The leak check: identifier substrings are found, coincidences are not findings (issue 11, findings 2 and 10)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.validation.identifier_digests import DigestSet, identifier_digests, leak_findings

KEY = os.urandom(32)


def _findings(published: list, **raw: list) -> dict[str, int]:
    digests = [identifier_digests(pd.Series(values, dtype=object), KEY) for values in raw.values()]
    union = digests[0]
    for more in digests[1:]:
        union = union | more
    return leak_findings(pd.Series(published, dtype=object), DigestSet(union, KEY))


def test_an_age_equal_to_an_auto_increment_id_is_no_finding():
    """Finding 10: an age of 25 blocked the release because user 25 existed."""
    found = _findings([str(age) for age in np.arange(18, 90)], user_id=[str(i) for i in range(400)])
    assert found["rows_with_findings"] == 0 and found["rows_not_identifying"] == 72


def test_an_empty_identifier_or_a_value_common_in_its_column_is_no_finding():
    found = _findings(["", "", "unknown", *["n/a"] * 5, None], email=["", "n/a", "x@y.org"])
    assert found["rows_with_findings"] == 0


@pytest.mark.parametrize(
    "published",
    [
        "card 4111 1111 1111 1234 on file",
        "card ４１１１-１１１１-１１１１-１２３４",
        "41111111-11111234",
        "call +1 (555) 010-9999 ext. 5",
    ],
    ids=["in free text", "full-width digits", "other separators", "phone in text"],
)
def test_a_digit_run_of_a_raw_identifier_inside_a_value_is_found(published):
    """Finding 2: a card or phone number written differently passed the whole-value comparison."""
    found = _findings([published, "nothing here"], card=["4111-1111-1111-1234"], phone=["+1 555 010 9999"])
    assert found["rows_with_findings"] == 1 and found["rows_containing_identifier_numbers"] == 1


def test_an_email_local_part_inside_a_value_is_found_and_counted_per_kind():
    found = _findings(
        ["write to Zebediah.Quux please", "zebediah.quux@example.org", "z***@example.org", "quux"],
        email=["zebediah.quux@example.org", "ann.b@example.net"],
    )
    assert found == {
        "rows": 4,
        "rows_checked": 4,
        "rows_not_identifying": 0,
        "rows_matching_raw_identifiers": 1,
        "rows_containing_identifier_numbers": 0,
        "rows_containing_email_local_parts": 2,
        "rows_with_findings": 2,
    }


def test_short_numbers_and_dates_do_not_make_digit_runs():
    found = _findings(["1980-05-17", "10115", "2024"], ssn=["123-45-6789"])
    assert found["rows_with_findings"] == 0


def test_digits_inside_a_word_such_as_a_hex_pseudonym_are_no_number():
    found = _findings(["u_9f12345678ab", "x41111111111112", "41111111 1111 1234"], card=["4111-1111-1111-1234"], user=["U12345678"])
    assert found["rows_containing_identifier_numbers"] == 1


def test_many_hex_pseudonyms_against_many_numbers_make_no_coincidence():
    rng = np.random.default_rng(3)
    pseudonyms = [f"u_{value:016x}" for value in rng.integers(0, 2**63, 20_000)]
    numbers = [f"{value:016d}" for value in rng.integers(10**15, 10**16, 20_000)]
    assert _findings(pseudonyms, card=numbers)["rows_with_findings"] == 0


def test_published_dates_do_not_coincide_with_many_raw_numbers():
    rng = np.random.default_rng(4)
    dates = [f"{year}-{month:02d}-{day:02d}" for year, month, day in zip(rng.integers(1930, 2010, 20_000), rng.integers(1, 13, 20_000), rng.integers(1, 29, 20_000))]
    ssns = [f"{a:03d}-{b:02d}-{c:04d}" for a, b, c in zip(rng.integers(1, 900, 20_000), rng.integers(1, 100, 20_000), rng.integers(1, 10_000, 20_000))]
    ips = [".".join(map(str, rng.integers(1, 255, 4))) for _ in range(2_000)]
    assert _findings(dates, ssn=ssns, ip=ips)["rows_with_findings"] == 0
