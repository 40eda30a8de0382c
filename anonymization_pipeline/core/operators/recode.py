"""Generalization primitives as operators, for sensitive and non-sensitive columns.

- `round`: `base` (required, > 0), `mode` (`nearest`, `down`, `up`): 1234 → 1000 with base 500.
- `top_bottom_code`: `top` and/or `bottom`: values beyond them are replaced by them (outliers are
  the easiest values to re-identify).
- `truncate_date`: `unit` (`day`, `month`, `quarter`, `year`): 2024-03-15 → 2024-Q1.
Values that are not numbers (or not dates) become null and are counted, never passed through.
Integer columns stay integers when the result is whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from anonymization_pipeline.core.operators.base import (
    Operator,
    OperatorContext,
    OperatorOutcome,
    OperatorParameterError,
)
from anonymization_pipeline.core.operators.columns import numeric_values
from anonymization_pipeline.core.operators.dates import parse_dates
from anonymization_pipeline.core.operators.generalization import (
    DATE_UNITS,
    round_to,
    top_bottom_code,
    truncate_dates,
)
from anonymization_pipeline.core.operators.params import check_choice, check_number, require

BASE = "base"
MODE = "mode"
ROUNDING_MODES = ("nearest", "down", "up")
TOP = "top"
BOTTOM = "bottom"
UNIT = "unit"


def _numeric_outcome(column: pd.Series, result: pd.Series, whole: bool) -> OperatorOutcome:
    values, non_numeric = numeric_values(column)
    changed = int(np.count_nonzero((result.to_numpy() != values) & ~np.isnan(values)) + non_numeric.sum())
    if whole and pd.api.types.is_integer_dtype(column.dtype):
        result = result.astype("Int64")
    stats = {"changed": changed, "nulls": int(column.isna().sum()), "non_numeric": int(non_numeric.sum())}
    return OperatorOutcome(result, stats)


class RoundOperator(Operator):
    """Numbers rounded to a multiple of `base`."""

    name = "round"

    def parameters(self) -> tuple[str, ...]:
        return (BASE, MODE)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        require(params, BASE, "the multiple to round to, e.g. 1000")
        check_number(params, BASE, positive=True)
        check_choice(params, MODE, ROUNDING_MODES)

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        rounded = round_to(column, params[BASE], params.get(MODE, "nearest"))
        return _numeric_outcome(column, rounded, float(params[BASE]).is_integer())


class TopBottomCodeOperator(Operator):
    """Values above `top` become `top`, values below `bottom` become `bottom`."""

    name = "top_bottom_code"

    def parameters(self) -> tuple[str, ...]:
        return (TOP, BOTTOM)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        if TOP not in params and BOTTOM not in params:
            raise OperatorParameterError(TOP, "give 'top', 'bottom' or both")
        check_number(params, TOP)
        check_number(params, BOTTOM)
        if TOP in params and BOTTOM in params and params[BOTTOM] >= params[TOP]:
            raise OperatorParameterError(BOTTOM, f"must be below top ({params[TOP]!r}), got {params[BOTTOM]!r}")

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        coded, _ = top_bottom_code(column, params.get(BOTTOM), params.get(TOP))
        whole = all(float(params[name]).is_integer() for name in (TOP, BOTTOM) if name in params)
        return _numeric_outcome(column, coded, whole)


class TruncateDateOperator(Operator):
    """Dates truncated to a `unit`, as text labels."""

    name = "truncate_date"

    def parameters(self) -> tuple[str, ...]:
        return (UNIT,)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        require(params, UNIT, f"one of: {', '.join(DATE_UNITS[:-1])}")
        check_choice(params, UNIT, DATE_UNITS[:-1])

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        _, unparseable = parse_dates(column)
        truncated = truncate_dates(column, params[UNIT])
        missing = column.isna()
        truncated = truncated.mask(unparseable)
        stats = {
            "changed": int((~missing).sum()),
            "nulls": int(missing.sum()),
            "unparseable": int(unparseable.sum()),
        }
        return OperatorOutcome(truncated, stats)
