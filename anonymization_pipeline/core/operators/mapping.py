"""Calling a C function (a cipher) over many values, and finding which ones fail when one does."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np


def map_marking_failures(
    function: Callable[..., Any], arguments: list[Iterable[Any]], errors: tuple[type[Exception], ...]
) -> tuple[list[Any], np.ndarray]:
    """(results, mask of failed calls): `map` in C first; only when a call raises, retry one by one.

    Arguments that are iterators can be read once only, so they are materialised first.

    >>> map_marking_failures(int, [["1", "x", "3"]], (ValueError,))
    ([1, None, 3], array([False,  True, False]))
    """
    columns = [argument if isinstance(argument, (list, tuple)) else list(argument) for argument in arguments]
    try:
        results = list(map(function, *columns))
        return results, np.zeros(len(results), dtype=bool)
    except errors:
        results = []
        for values in zip(*columns, strict=True):
            try:
                results.append(function(*values))
            except errors:
                results.append(None)
        return results, np.array([result is None for result in results], dtype=bool)
