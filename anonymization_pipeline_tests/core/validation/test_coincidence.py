"""The chance bound's Poisson tail agrees with SciPy's, from tiny means to a million matches."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import poisson

from anonymization_pipeline.core.validation.coincidence import ALPHA, chance_explains, log_poisson_tail


@given(st.integers(0, 2_000_000), st.floats(1e-12, 2e6))
def test_the_log_tail_agrees_with_scipy(matches, expected):
    oracle = poisson.logsf(matches - 1, expected)
    if oracle > -700:  # SciPy's own log tail loses its precision further out
        assert math.isclose(log_poisson_tail(matches, expected), oracle, rel_tol=1e-7, abs_tol=1e-9)
    else:
        assert log_poisson_tail(matches, expected) < -700


@given(st.integers(1, 10_000), st.integers(1, 10**7), st.integers(1, 10**7), st.integers(8, 19))
def test_chance_explains_matches_exactly_when_their_tail_reaches_alpha(matches, windows, raw_numbers, length):
    expected = windows * raw_numbers / 10**length
    assert chance_explains(matches, windows, raw_numbers, length) == (poisson.sf(matches - 1, expected) >= ALPHA) or math.isclose(
        poisson.sf(matches - 1, expected), ALPHA, rel_tol=1e-9
    )


def test_no_match_needs_no_explanation_and_one_match_in_few_windows_is_no_chance():
    assert chance_explains(0, 0, 0, 9)
    assert not chance_explains(1, 8, 1_000_000, 9)
