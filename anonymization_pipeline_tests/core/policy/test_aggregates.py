"""The `aggregates:` section: what a release needs is declared, and a mistake is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from anonymization_pipeline.core.errors import PolicyError
from anonymization_pipeline.core.policy import load_policy, validate_policy
from anonymization_pipeline.core.policy.aggregates import CountQuery, HistogramQuery, QuantileQuery

REPO = Path(__file__).resolve().parents[3]


def aggregates_policy(*queries: dict, budget: dict | None = None) -> dict:
    return {
        "version": 1,
        "dataset": {
            "name": "people",
            "input": {"format": "csv", "path": "in.csv"},
            "output": {"format": "parquet", "path": "out/people.parquet"},
        },
        "fields": {"user_id": {"class": "direct_identifier", "method": "drop"}},
        "aggregates": {
            "privacy_unit": {"column": "user_id", "max_rows": 5},
            "budget": budget or {"epsilon": 3.0, "delta": 1e-6, "period": "month"},
            "output": {"format": "csv", "path": "out/aggregates.csv"},
            "queries": list(queries) or [{"name": "rows", "kind": "count", "epsilon": 0.5}],
        },
    }


def problems_of(document: dict) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        validate_policy(document)
    return caught.value.problems


def test_the_issue_example_validates_with_every_kind_of_query():
    policy = validate_policy(
        aggregates_policy(
            {"name": "users_by_city", "kind": "count", "by": ["city"], "keys": {"city": ["Berlin", "Paris"]}, "epsilon": 0.5},
            {"name": "mean_income", "kind": "mean", "column": "income", "bounds": [0, 200000], "epsilon": 0.5},
            {"name": "age_histogram", "kind": "histogram", "column": "age", "edges": [0, 18, 30, 45, 65, 120], "epsilon": 0.5},
            {"name": "income_median", "kind": "quantile", "column": "income", "q": 0.5, "bounds": [0, 200000], "epsilon": 0.5},
        )
    )
    aggregates = policy.aggregates
    assert [type(query) for query in aggregates.queries] == [CountQuery, type(aggregates.queries[1]), HistogramQuery, QuantileQuery]
    assert aggregates.epsilon == 2.0 and aggregates.delta == 0.0
    assert aggregates.columns == ["user_id", "city", "income", "age"]
    assert not aggregates.queries[0].selects_keys


def test_the_example_policy_loads():
    policy = load_policy(REPO / "examples" / "aggregates" / "policy.yaml")
    assert policy.aggregates.budget.period == "month"
    assert policy.aggregates.epsilon == pytest.approx(2.0)
    assert policy.aggregates.output.path.is_absolute()


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        (
            {"name": "mean_income", "kind": "mean", "column": "income", "epsilon": 0.5},
            "aggregates.queries.0.mean.bounds: required",
        ),
        (
            {"name": "total", "kind": "sum", "column": "income", "bounds": [10, 10], "epsilon": 0.5},
            "aggregates.queries.0.sum.bounds: bounds must be [lower, upper] with lower < upper",
        ),
        (
            {"name": "rows", "kind": "count", "epsilon": 0},
            "aggregates.queries.0.count.epsilon: Input should be greater than 0",
        ),
        (
            {"name": "rows", "kind": "count", "epsilon": -1},
            "aggregates.queries.0.count.epsilon: Input should be greater than 0",
        ),
        (
            {"name": "rows", "kind": "count", "epsilon": 0.5, "mechanism": "gaussian"},
            "aggregates.queries.0.count: the gaussian mechanism needs 'delta' > 0",
        ),
        (
            {"name": "by_city", "kind": "count", "by": ["city"], "epsilon": 0.5},
            "aggregates.queries.0.count: keys not declared for every 'by' column are selected privately, which needs 'delta' > 0",
        ),
        (
            {"name": "total_by_city", "kind": "sum", "column": "income", "bounds": [0, 9], "by": ["city"], "epsilon": 0.5},
            "aggregates.queries.0.sum: keys not declared for every 'by' column are selected privately, which needs 'delta' > 0",
        ),
        (
            {"name": "mean_by_city", "kind": "mean", "column": "income", "bounds": [0, 9], "by": ["city"],
             "epsilon": 0.5, "delta": 1e-7, "mechanism": "gaussian"},
            "aggregates.queries.0.mean: private key selection uses the laplace mechanism; declare 'keys' for every 'by' column",
        ),
        (
            {"name": "by_city", "kind": "count", "by": ["city"], "keys": {"town": ["a"]}, "epsilon": 0.5},
            "aggregates.queries.0.count: keys: 'town' is not one of the 'by' columns",
        ),
        (
            {"name": "by_value", "kind": "count", "by": ["value"], "keys": {"value": ["a"]}, "epsilon": 0.5},
            "aggregates.queries.0.count: by: 'value' is a column of the released table; rename it in the input",
        ),
        (
            {"name": "ages", "kind": "histogram", "column": "age", "edges": [0, 30, 18], "epsilon": 0.5},
            "aggregates.queries.0.histogram.edges: edges must be strictly increasing",
        ),
        (
            {"name": "median", "kind": "quantile", "column": "age", "q": 1.5, "bounds": [0, 120], "epsilon": 0.5},
            "aggregates.queries.0.quantile.q: Input should be less than or equal to 1",
        ),
        (
            {"name": "rows", "kind": "average", "epsilon": 0.5},
            "aggregates.queries.0: Input tag 'average' found using 'kind' does not match any of the expected tags: 'count', 'sum', 'mean', 'histogram', 'quantile'",
        ),
    ],
)
def test_a_bad_query_is_one_line_naming_where(query: dict, problem: str):
    assert problems_of(aggregates_policy(query)) == [problem]


def test_a_budget_smaller_than_one_query_is_refused():
    document = aggregates_policy({"name": "rows", "kind": "count", "epsilon": 2.0}, budget={"epsilon": 1.0})
    assert problems_of(document) == [
        "aggregates: queries.rows: epsilon 2 is more than the whole budget (epsilon 1 per month)"
    ]


def test_queries_that_together_exceed_the_budget_are_refused():
    document = aggregates_policy(
        {"name": "a", "kind": "count", "epsilon": 0.6},
        {"name": "b", "kind": "count", "epsilon": 0.6},
        budget={"epsilon": 1.0, "period": "week"},
    )
    assert problems_of(document) == [
        "aggregates: the queries spend epsilon 1.2 together, more than the budget (epsilon 1 per week)"
    ]


def test_a_budget_needs_positive_epsilon_and_names_are_unique():
    assert problems_of(aggregates_policy(budget={"epsilon": 0})) == [
        "aggregates.budget.epsilon: Input should be greater than 0"
    ]
    twice = aggregates_policy({"name": "a", "kind": "count", "epsilon": 0.1}, {"name": "a", "kind": "count", "epsilon": 0.1})
    assert problems_of(twice) == ["aggregates: queries: the name 'a' is used twice"]
