"""The three trivial operators: keep a column, drop it, or replace every value by a constant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from anonymization_pipeline.core.operators.base import (
    Operator,
    OperatorContext,
    OperatorOutcome,
    OperatorParameterError,
)


class KeepOperator(Operator):
    name = "keep"

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        return OperatorOutcome(column, {"changed": 0, "nulls": int(column.isna().sum())})


class DropOperator(Operator):
    name = "drop"
    protects_identifiers = True

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        return OperatorOutcome(None, {"changed": len(column), "nulls": int(column.isna().sum())})


REPLACEMENT = "replacement"


class RedactOperator(Operator):
    """Replaces every non-null value by one constant (default `[REDACTED]`); nulls stay null."""

    name = "redact"
    protects_identifiers = True

    def parameters(self) -> tuple[str, ...]:
        return (REPLACEMENT,)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        if REPLACEMENT in params and not isinstance(params[REPLACEMENT], str):
            raise OperatorParameterError(REPLACEMENT, f"must be a string, got {type(params[REPLACEMENT]).__name__}")

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        replacement = params.get(REPLACEMENT, "[REDACTED]")
        present = column.notna()
        redacted = pd.Series(pd.NA, index=column.index, dtype="string").mask(present, replacement)
        return OperatorOutcome(redacted, {"changed": int(present.sum()), "nulls": int((~present).sum())})
