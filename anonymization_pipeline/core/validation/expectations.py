"""Our custom Great Expectations (1.x): each privacy criterion of the registry, no raw identifier.

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


class ExpectPrivacyCriterion(BatchExpectation):
    """Every class over `column_list` meets the policy's `criterion` (a `privacy:` section: k,
    l_diversity, t_closeness, beta_likeness, delta_disclosure), judged by the criterion registry on
    the measurement registered under `measurement`.

    >>> ExpectPrivacyCriterion(column_list=["age", "zip"], criterion="k", measurement="measurement-0").criterion
    'k'
    """

    column_list: list[str]
    criterion: str
    measurement: str
    ignore_row_if: _RowsPolicy = "never"

    metric_dependencies: ClassVar[tuple[str, ...]] = ("table.privacy_criterion",)
    success_keys: ClassVar[tuple[str, ...]] = ("column_list", "criterion", "measurement", "ignore_row_if")

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None) -> dict:
        metric = metrics["table.privacy_criterion"]
        result = _counts(metric)
        result["observed_value"] = metric["achieved"]
        return {"success": bool(metric["passed"]), "result": result}


class ExpectColumnValuesToNotContainRawIdentifiers(BatchExpectation):
    """No value of `column` holds a raw direct identifier of the input, whole or as a digit run or
    e-mail local part, compared as keyed digests (values that identify no one are not findings).

    `leak_scan` is the handle (`handles.handed_over`) of the validation's scan of every published
    column; the suite holds no digest, key or value.

    >>> ExpectColumnValuesToNotContainRawIdentifiers(column="email", leak_scan="leak-scan-0").column
    'email'
    """

    column: str
    leak_scan: str

    metric_dependencies: ClassVar[tuple[str, ...]] = ("table.raw_identifier_matches",)
    success_keys: ClassVar[tuple[str, ...]] = ("column", "leak_scan")

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None) -> dict:
        metric = metrics["table.raw_identifier_matches"]
        result = _counts(metric)
        result["observed_value"] = metric["rows_with_findings"]
        return {"success": metric["rows_with_findings"] == 0, "result": result}
