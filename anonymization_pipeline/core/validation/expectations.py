"""Our custom Great Expectations (1.x): k-anonymity, l-diversity, t-closeness, no raw identifier.

They are batch-level expectations backed by the metrics in metrics.py and return counts only.
Missing values are values of their own: `ignore_row_if` is fixed to "never", because GX's
default for multi-column expectations ("all_values_are_missing") would silently pass a row whose
quasi-identifiers are all missing. There is no `mostly`: every class must pass.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from great_expectations.expectations.expectation import BatchExpectation

import anonymization_pipeline.core.validation.metrics  # noqa: F401 - defining the metric classes registers them with GX

_RowsPolicy = Literal["never"]


def _counts(metric: dict[str, Any]) -> dict[str, Any]:
    return {"observed_value": None, "details": dict(metric)}


class ExpectQuasiIdentifiersToBeKAnonymous(BatchExpectation):
    """Every class over `column_list` has at least `k` records (suppressed rows, all `*`, excepted).

    >>> ExpectQuasiIdentifiersToBeKAnonymous(column_list=["age", "zip"], k=5).k
    5
    """

    column_list: list[str]
    k: int
    ignore_row_if: _RowsPolicy = "never"

    metric_dependencies: ClassVar[tuple[str, ...]] = ("table.quasi_identifier_class_sizes",)
    success_keys: ClassVar[tuple[str, ...]] = ("column_list", "k", "ignore_row_if")

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None) -> dict:
        metric = metrics["table.quasi_identifier_class_sizes"]
        result = _counts(metric)
        result["observed_value"] = metric["min_class_size"]
        return {"success": metric["classes_below_k"] == 0, "result": result}


class ExpectSensitiveAttributeToBeLDiverse(BatchExpectation):
    """Every class over `column_list` is l-diverse in `attribute` (variant distinct, entropy or recursive with `c`).

    >>> ExpectSensitiveAttributeToBeLDiverse(column_list=["age"], attribute="diagnosis", l=3).variant
    'distinct'
    """

    column_list: list[str]
    attribute: str
    l: float
    variant: Literal["distinct", "entropy", "recursive"] = "distinct"
    c: float | None = None
    ignore_row_if: _RowsPolicy = "never"

    metric_dependencies: ClassVar[tuple[str, ...]] = ("table.sensitive_attribute_diversity",)
    success_keys: ClassVar[tuple[str, ...]] = ("column_list", "attribute", "l", "variant", "c", "ignore_row_if")

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None) -> dict:
        metric = metrics["table.sensitive_attribute_diversity"]
        result = _counts(metric)
        result["observed_value"] = metric["l_achieved"]
        return {"success": metric["classes_below_l"] == 0, "result": result}


class ExpectSensitiveAttributeToBeTClose(BatchExpectation):
    """Every class's distribution of `attribute` is within `t` of the table's (equal, ordered or hierarchical distance).

    `hierarchy` is the attribute's hierarchy spec as in the policy (e.g. {"table": path}), for the hierarchical distance.

    >>> ExpectSensitiveAttributeToBeTClose(column_list=["age"], attribute="diagnosis", t=0.2).distance
    'equal'
    """

    column_list: list[str]
    attribute: str
    t: float
    distance: Literal["equal", "hierarchical", "ordered"] = "equal"
    hierarchy: dict[str, Any] | None = None
    ignore_row_if: _RowsPolicy = "never"

    metric_dependencies: ClassVar[tuple[str, ...]] = ("table.sensitive_attribute_closeness",)
    success_keys: ClassVar[tuple[str, ...]] = (
        "column_list",
        "attribute",
        "t",
        "distance",
        "hierarchy",
        "ignore_row_if",
    )

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None) -> dict:
        metric = metrics["table.sensitive_attribute_closeness"]
        result = _counts(metric)
        result["observed_value"] = metric["t_achieved"]
        return {"success": metric["t_achieved"] <= self.t + 1e-12, "result": result}


class ExpectColumnValuesToNotContainRawIdentifiers(BatchExpectation):
    """No value of `column` holds a raw direct identifier of the input, whole or as a digit run or
    e-mail local part, compared as keyed digests (values that identify no one are not findings).

    `digest_set` is the handle from `registered_digests`; the suite holds neither digests nor key.

    >>> ExpectColumnValuesToNotContainRawIdentifiers(column="email", digest_set="digests-0").column
    'email'
    """

    column: str
    digest_set: str

    metric_dependencies: ClassVar[tuple[str, ...]] = ("table.raw_identifier_matches",)
    success_keys: ClassVar[tuple[str, ...]] = ("column", "digest_set")

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None) -> dict:
        metric = metrics["table.raw_identifier_matches"]
        result = _counts(metric)
        result["observed_value"] = metric["rows_with_findings"]
        return {"success": metric["rows_with_findings"] == 0, "result": result}
