"""`swap`: exchange values between records; the column's multiset of values is kept exactly.

- `method: random` (default): a random `fraction` (default 0.1) of the non-null records is chosen
  and their values are permuted among them.
- `method: rank` (sdcMicro's rank swapping): each value moves to a record whose rank is at most
  `window` percent (default 5) of the records away. Implemented as one sort of the ranks plus
  uniform jitter in [0, w): the resulting permutation moves no rank more than w places.
Values are moved, never changed, so totals and the distribution survive while the link between a
value and the rest of its record is broken. Nulls stay where they are. `seed` makes it repeatable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from anonymization_pipeline.core.operators.base import (
    Operator,
    OperatorContext,
    OperatorOutcome,
    OperatorParameterError,
)
from anonymization_pipeline.core.operators.columns import numeric_values, text_array
from anonymization_pipeline.core.operators.params import check_choice, check_number, check_seed

METHOD = "method"
FRACTION = "fraction"
WINDOW = "window"
SEED = "seed"
RANDOM = "random"
RANK = "rank"


def random_swap_sources(present: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """For each row, the row whose value it takes: a random `fraction` of present rows permuted among themselves.

    >>> sources = random_swap_sources(np.ones(6, dtype=bool), 1.0, np.random.default_rng(1))
    >>> sorted(sources.tolist())
    [0, 1, 2, 3, 4, 5]
    """
    sources = np.arange(present.size)
    rows = np.flatnonzero(present)
    chosen = rng.permutation(rows)[: round(fraction * rows.size)]
    sources[chosen] = chosen[rng.permutation(chosen.size)]
    return sources


def rank_swap_sources(order: np.ndarray, size: int, window: float, rng: np.random.Generator) -> np.ndarray:
    """For each row, the row whose value it takes; `order` lists the present rows by rank.

    No value moves more than floor(window % of the present rows) ranks.

    >>> sources = rank_swap_sources(np.arange(100), 100, 5, np.random.default_rng(0))
    >>> int(np.abs(sources - np.arange(100)).max()) <= 5
    True
    """
    sources = np.arange(size)
    reach = int(window / 100 * order.size)
    jittered = np.arange(order.size) + rng.uniform(0, reach, order.size)
    sources[order] = order[np.argsort(jittered, kind="stable")]
    return sources


class SwapOperator(Operator):
    """Random or rank swapping; reports how many records hold another record's value."""

    name = "swap"

    def parameters(self) -> tuple[str, ...]:
        return (METHOD, FRACTION, WINDOW, SEED)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        check_choice(params, METHOD, (RANDOM, RANK))
        check_number(params, FRACTION, minimum=0, maximum=1)
        check_number(params, WINDOW, minimum=0, maximum=100)
        check_seed(params, SEED)
        method = params.get(METHOD, RANDOM)
        if method == RANDOM and WINDOW in params:
            raise OperatorParameterError(WINDOW, "only used with method: rank")
        if method == RANK and FRACTION in params:
            raise OperatorParameterError(FRACTION, "only used with method: random")

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        rng = np.random.default_rng(params.get(SEED, context.seed))
        present = column.notna().to_numpy()
        if params.get(METHOD, RANDOM) == RANK:
            sources = rank_swap_sources(_rank_order(column, present), len(column), params.get(WINDOW, 5), rng)
        else:
            sources = random_swap_sources(present, params.get(FRACTION, 0.1), rng)
        swapped = pd.Series(column.array.take(sources), index=column.index, name=column.name)
        differs = (swapped != column).to_numpy(dtype=bool, na_value=False) & present
        stats = {
            "changed": int(differs.sum()),
            "nulls": int((~present).sum()),
            "moved_rows": int(np.count_nonzero(sources != np.arange(len(column)))),
            "method": params.get(METHOD, RANDOM),
        }
        return OperatorOutcome(swapped, stats)


def _rank_order(column: pd.Series, present: np.ndarray) -> np.ndarray:
    """Present rows from smallest to largest value: numerically if all are numbers, else as text."""
    values, non_numeric = numeric_values(column)
    rows = np.flatnonzero(present)
    if not non_numeric.any():
        return rows[np.argsort(values[rows])]
    text = text_array(column).take(rows)
    return rows[pc.array_sort_indices(text).to_numpy()]
