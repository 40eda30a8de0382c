"""`bucket`: continuous values → labelled intervals, in one `searchsorted` over the column.

Params: `edges` (required, strictly increasing numbers), `labels` (one per interval; default
`[a, b)`), `out_of_range` (label for values outside the edges or not numbers; default `*`),
`closed` (`left`: [a, b), the last interval closed; `right`: (a, b], the first closed).
Nulls stay null.
"""

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
from anonymization_pipeline.core.operators.columns import numeric_values, text_series
from anonymization_pipeline.core.operators.generalization import (
    SUPPRESSED,
    interval_codes,
    interval_labels,
    labels_for_codes,
)
from anonymization_pipeline.core.operators.params import check_choice, check_edges, check_string, require

EDGES = "edges"
LABELS = "labels"
OUT_OF_RANGE = "out_of_range"
CLOSED = "closed"
SIDES = ("left", "right")


class BucketOperator(Operator):
    """Labelled intervals; counts of values outside the edges and of values that are not numbers."""

    name = "bucket"

    def parameters(self) -> tuple[str, ...]:
        return (EDGES, LABELS, OUT_OF_RANGE, CLOSED)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        require(params, EDGES, "the interval boundaries, e.g. [0, 18, 65, 120]")
        check_edges(params, EDGES)
        check_string(params, OUT_OF_RANGE)
        check_choice(params, CLOSED, SIDES)
        if LABELS in params:
            labels = params[LABELS]
            intervals = len(params[EDGES]) - 1
            if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
                raise OperatorParameterError(LABELS, f"must be a list of strings, got {labels!r}")
            if len(labels) != intervals:
                raise OperatorParameterError(
                    LABELS, f"needs {intervals} labels (one per interval between the edges), got {len(labels)}"
                )

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        closed = params.get(CLOSED, "left")
        values, non_numeric = numeric_values(column)
        codes = interval_codes(values, params[EDGES], closed)
        missing = column.isna().to_numpy()
        labels = params.get(LABELS) or interval_labels(params[EDGES], closed)
        text = labels_for_codes(codes, labels, missing, params.get(OUT_OF_RANGE, SUPPRESSED))
        outside = int(((codes < 0) & ~missing).sum())
        stats = {
            "changed": int((~missing).sum()),
            "nulls": int(missing.sum()),
            "out_of_range": outside - int(non_numeric.sum()),
            "non_numeric": int(non_numeric.sum()),
        }
        return OperatorOutcome(text_series(text, column.index), stats)
