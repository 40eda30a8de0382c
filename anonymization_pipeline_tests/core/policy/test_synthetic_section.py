"""The `synthetic:` policy section: defaults that fail closed, and one line per mistake."""

from pathlib import Path

import pytest

from anonymization_pipeline.core.errors import PolicyError
from anonymization_pipeline.core.policy import load_policy, validate_policy
from anonymization_pipeline.core.policy.aggregates import Budget
from anonymization_pipeline.core.policy.model import ParquetLocation
from anonymization_pipeline.core.policy.synthetic import synthetic_budget

REPO = Path(__file__).resolve().parents[3]
LOCATION = {"format": "parquet", "path": "out.parquet"}


def with_synthetic(synthetic) -> dict:
    return {
        "version": 1,
        "dataset": {"name": "t", "input": LOCATION, "output": LOCATION},
        "fields": {"a": {"class": "non_sensitive", "method": "keep"}},
        "synthetic": synthetic,
    }


def test_defaults_check_privacy_and_leave_quality_to_the_policy():
    synthetic = validate_policy(with_synthetic({})).synthetic
    assert (synthetic.method, synthetic.rows, synthetic.epsilon, synthetic.holdout) == ("bayesian_network", None, None, 0.2)
    targets = synthetic.targets
    assert (targets.min_dcr_ratio, targets.max_unique_copy_ratio, targets.max_membership_auc) == (1.0, 1.0, 0.6)
    assert targets.min_quality is None and targets.min_pair_trends is None


def test_the_example_policy_loads_with_its_output_beside_it():
    policy = load_policy(REPO / "examples" / "synthetic" / "adult.yaml")
    assert policy.synthetic.utility_target == "salary-class"
    assert isinstance(policy.synthetic.output, ParquetLocation)
    assert policy.synthetic.output.path == REPO / "examples" / "synthetic" / "out" / "adult_synthetic.parquet"


@pytest.mark.parametrize(
    ("synthetic", "line"),
    [
        ({"method": "dp_marginals"}, "synthetic: dp_marginals needs 'epsilon'"),
        ({"epsilon": 1.0}, "synthetic: 'epsilon' is for method dp_marginals"),
        ({"budget": {"epsilon": 1.0}}, "synthetic: 'budget' is for method dp_marginals"),
        ({"method": "dp_marginals", "epsilon": 2.0, "budget": {"epsilon": 1.5}}, "synthetic: epsilon 2 is more than the whole synthetic.budget (epsilon 1.5 per month)"),
        ({"method": "dp_marginals", "epsilon": 1.0, "budget": {"epsilon": 0}}, "synthetic.budget.epsilon:"),
        ({"targets": {"min_ml_utility": 0.8}}, "synthetic: targets.min_ml_utility needs 'utility_target'"),
        ({"method": "gan"}, "synthetic.method:"),
        ({"targets": {"max_membership_auc": 0.4}}, "synthetic.targets.max_membership_auc:"),
        ({"rows": 0}, "synthetic.rows:"),
        ({"targets": {"min_fun": 1}}, "synthetic.targets.min_fun:"),
    ],
)
def test_each_mistake_is_one_line_with_its_path(synthetic, line):
    with pytest.raises(PolicyError) as raised:
        validate_policy(with_synthetic(synthetic))
    assert len(raised.value.problems) == 1 and raised.value.problems[0].startswith(line), raised.value.problems


DP_MARGINALS = {"method": "dp_marginals", "epsilon": 1.0}


def test_dp_marginals_without_a_budget_is_refused_with_what_to_add():
    with pytest.raises(PolicyError) as raised:
        validate_policy(with_synthetic(DP_MARGINALS))
    assert raised.value.problems == [
        "synthetic: dp_marginals is charged to the dataset's privacy budget ledger; add synthetic.budget "
        "(e.g. budget: {epsilon: 3.0, period: month}) or an aggregates section with its budget"
    ]


def test_dp_marginals_charges_its_own_budget_or_else_the_aggregates_budget():
    own = validate_policy(with_synthetic(DP_MARGINALS | {"budget": {"epsilon": 2.0, "period": "week"}}))
    assert synthetic_budget(own.synthetic, own.aggregates) == Budget(epsilon=2.0, period="week")
    aggregates = {
        "privacy_unit": {"column": "a", "max_rows": 1},
        "budget": {"epsilon": 0.8},
        "output": LOCATION,
        "queries": [{"name": "rows", "kind": "count", "epsilon": 0.5}],
    }
    shared = validate_policy(with_synthetic(DP_MARGINALS | {"epsilon": 0.5}) | {"aggregates": aggregates})
    assert synthetic_budget(shared.synthetic, shared.aggregates) == Budget(epsilon=0.8)
    with pytest.raises(PolicyError) as raised:
        validate_policy(with_synthetic(DP_MARGINALS) | {"aggregates": aggregates})
    assert raised.value.problems == ["synthetic: epsilon 1 is more than the whole aggregates.budget (epsilon 0.8 per month)"]
    assert synthetic_budget(validate_policy(with_synthetic({})).synthetic, None) is None
