"""The publication checks of a Spark table, read from what Spark counted: the suite's results
in the shape `core.validation.validate_published` gives them (expectation, columns, success,
statistics), so reports and Dagster checks read both engines alike.

Schema and row count come from the published DataFrame; k, l and t from the class counts the
risk assessment measured on it; the leak check from keyed digests compared in Spark.
"""

from __future__ import annotations

from typing import Any

from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.validation.suite import expected_columns, expected_rows


def _result(expectation: str, columns: list[str], success: bool, **statistics: Any) -> dict[str, Any]:
    return {"expectation": expectation, "columns": columns, "success": bool(success), "statistics": statistics, "raised_exception": False}


def publication_checks(
    policy: Policy, columns: list[str], rows: int, rows_in: int, suppressed_rows: int, risk: dict, leaks: dict[str, dict[str, int]]
) -> list[dict[str, Any]]:
    """One result per check, as the Great Expectations suite names them; the privacy criteria's
    verdicts are the registry's, as the risk assessment measured them on Spark's class counts.

    >>> publication_checks(policy, ["age"], 10, 10, 0, risk, {"age": leak_counts})[0]["expectation"]  # doctest: +SKIP
    'expect_table_columns_to_match_set'
    """
    qis = policy.quasi_identifiers
    expected = expected_rows(policy, rows_in, suppressed_rows)
    results = [
        _result("expect_table_columns_to_match_set", [], set(columns) == set(expected_columns(policy)), observed_value_count=len(columns)),
        _result("expect_table_row_count_to_equal", [], rows == expected, observed_value=rows),
    ]
    for result in risk.get("criteria", []):
        results.append(
            _result("expect_privacy_criterion", qis, result["passed"], observed_value=result["achieved"]) | {"criterion": result["criterion"]}
        )
    for name, counts in leaks.items():
        findings = counts["rows_with_findings"]
        details = {f"details.{key}": value for key, value in counts.items()}
        results.append(_result("expect_column_values_to_not_contain_raw_identifiers", [name], findings == 0, observed_value=findings, **details))
    return results
