"""How many matches of raw numbers inside longer published numbers chance alone explains.

A published number longer than a raw one holds several windows of the raw one's length. A column
of long random digit strings (pseudonyms that happen to be all digits, account numbers) checked
against a million raw SSNs matches a few of those windows by pure coincidence; calling them leaks
would refuse every large correct release. So the leak check models each window it examines as a
uniformly random string of L digits: each of the n_L distinct raw numbers of that length is hit
with chance 10^-L, and the number of coincidental matches among W_L windows is Poisson with mean
λ = W_L · n_L / 10^L (many rare, nearly independent events). The window matches of one length are
findings only when chance is an unlikely explanation: P(X >= matches; λ) < `ALPHA`.

What this gives up, knowingly: a leak of a few numbers written inside longer ones hides among
that many coincidences (λ = 4 explains up to 9 matches). Whole values, e-mail local parts and
numbers that are exactly a raw number are never weighed against chance: the caller keeps them as
findings. Digits with structure (dates, phone formats) coincide more often than uniform ones;
such a column errs toward findings, that is toward refusing a release.
"""

from __future__ import annotations

import math

import numpy as np

ALPHA = 0.01
"""A length's window matches are findings when chance gives as many with a probability below
this: a correct release is refused for coincidences at most once in a hundred per column and
length that can coincide at all."""


def log_poisson_tail(matches: int, expected: float) -> float:
    """log P(X >= matches) for X Poisson with mean `expected`, summed in log space so that neither
    a huge mean nor a far tail overflows. Only the terms next to `matches` count: beyond
    10·sqrt(expected) + 50 of them they have fallen below e^-50 of the first.

    >>> round(math.exp(log_poisson_tail(10, 4.0)), 5), round(math.exp(log_poisson_tail(9, 4.0)), 5)
    (0.00813, 0.02136)
    """
    if matches <= 0:
        return 0.0
    if expected <= 0:
        return -math.inf
    span = int(10 * math.sqrt(expected)) + 50
    if matches > expected:  # the upper tail falls from its first term: sum it
        steps = np.log(expected / np.arange(matches + 1, matches + span, dtype=float))
        return _log_sum(_log_term(matches, expected) + np.concatenate([[0.0], np.cumsum(steps)]))
    steps = np.log(np.arange(matches - 1, max(matches - 1 - span, 0), -1, dtype=float) / expected)
    lower = _log_sum(_log_term(matches - 1, expected) + np.concatenate([[0.0], np.cumsum(steps)]))
    return math.log1p(-math.exp(lower))  # the lower tail falls from its last term; it is at most about 1/2 here


def chance_explains(matches: int, windows: int, raw_numbers: int, length: int) -> bool:
    """Whether `matches` of `windows` random `length`-digit windows hitting one of `raw_numbers`
    numbers is a likely coincidence (no match needs no explanation).

    >>> chance_explains(4, 540 * 8, 1_000_000, 9), chance_explains(1, 8, 200, 9)
    (True, False)
    """
    expected = windows * raw_numbers / 10.0**length
    return matches == 0 or log_poisson_tail(matches, expected) >= math.log(ALPHA)


def _log_term(k: int, mean: float) -> float:
    return -mean + k * math.log(mean) - math.lgamma(k + 1)


def _log_sum(logs: np.ndarray) -> float:
    top = float(logs.max())
    return top + math.log(float(np.exp(logs - top).sum()))
