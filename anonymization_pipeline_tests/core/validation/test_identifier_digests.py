"""The leak check: identifier substrings are found, coincidences are not findings (issue 11, findings 2 and 10),
and raw numbers that long random digit strings hold by chance do not refuse a release (whole_run case a)."""

from __future__ import annotations

import importlib
import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.validation.identifier_digests import DigestSet, identifier_digests, whole_numbers
from anonymization_pipeline.core.validation.leak_scan import leak_findings

identifier_digests_module = importlib.import_module("anonymization_pipeline.core.validation.identifier_digests")
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
        "rows_with_chance_number_matches": 0,
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


CROWD_SSNS = np.random.default_rng(5).choice(np.arange(10**8, 10**9), 200_000, replace=False)
CROWD_DIGESTS = DigestSet(identifier_digests(pd.Series([f"{n // 10**6}-{n // 10**4 % 100:02d}-{n % 10**4:04d}" for n in CROWD_SSNS]), KEY), KEY)
CROWD_IDS = [f"u_{value:016d}" for value in np.random.default_rng(6).integers(10**15, 10**16, 20_000)]
"""The whole run's case a at a size of seconds: 16-digit ids (160,000 windows of 9 digits)
against 200,000 raw SSNs coincide about 32 times (λ = 160,000 · 200,000 / 10^9)."""


def _crowd_findings(published: list[str]) -> dict[str, int]:
    return leak_findings(pd.Series(published, dtype=object), CROWD_DIGESTS)


def test_raw_numbers_that_long_random_ids_hold_by_chance_are_no_finding():
    found = _crowd_findings(CROWD_IDS)
    assert found["rows_with_findings"] == 0
    assert 10 < found["rows_with_chance_number_matches"] < 60


def test_raw_numbers_written_inside_long_ids_more_often_than_chance_are_found():
    leaked = [f"u_{n}{i:07d}" for i, n in enumerate(CROWD_SSNS[:40])]
    found = _crowd_findings(CROWD_IDS + leaked)
    assert found["rows_with_findings"] >= 40 and found["rows_with_chance_number_matches"] == 0


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 5), st.sampled_from(["{a}{b}", "ssn {a}{b} on file", "{a}.{b}", "({a}) {b}"]))
def test_a_raw_number_published_exactly_is_found_however_crowded(count, template):
    exact = [template.format(a=str(n)[:4], b=str(n)[4:]) for n in CROWD_SSNS[-count:]]
    found = _crowd_findings(CROWD_IDS + exact)
    assert found["rows_containing_identifier_numbers"] == found["rows_with_findings"] == count


def test_a_phone_with_its_country_code_is_found():
    found = _findings(["+1 419 565 5929", "+1 212 555 0100"], phone=["(419) 565-5929", "(312) 555-0199"])
    assert found["rows_with_findings"] == 1 and found["rows_with_chance_number_matches"] == 0


def test_an_ssn_inside_a_longer_number_is_found_when_raw_numbers_are_sparse():
    published = [f"{value:012d}" for value in np.random.default_rng(8).integers(10**11, 10**12, 2_000)]
    found = _findings([*published, "acct 120-456-789-123"], ssn=["120-45-6789", "987-65-4321"])
    assert found["rows_with_findings"] == 1 and found["rows_with_chance_number_matches"] == 0


def test_the_distinct_raw_numbers_of_each_length_are_counted_once_across_columns():
    union = identifier_digests(pd.Series(["123-45-6789", "+1 419 565 5929"]), KEY) | identifier_digests(pd.Series(["123456789"]), KEY)
    assert union.number_counts == {9: 1, 11: 1}


@given(st.lists(st.text("0123456789 -.()/+x", max_size=24) | st.sampled_from(["", "555 010 9999", "4111-1111-1111-1111"]), max_size=40))
def test_numbers_read_straight_from_plain_values_are_those_found_byte_by_byte(values):
    text = pa.array(values, pa.large_string())
    fast, generic = whole_numbers(text), identifier_digests_module._Numbers.of(text).whole()
    assert sorted(fast) == sorted(generic)
    for length, numbers in generic.items():
        assert sorted(fast[length].tolist()) == sorted(numbers.tolist())
