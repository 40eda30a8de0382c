"""The `synthetic:` policy section: how to build a synthetic copy of the dataset, and what it must prove.

The targets are the gate: a synthetic table is published only when every target set here holds
on this very table. The privacy targets are on by default (fail closed); the quality targets are
off until the policy sets them. A `dp_marginals` run is charged to the dataset's privacy budget
ledger, against `synthetic.budget` or else the `aggregates.budget` the DP statistics share.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from anonymization_pipeline.core.policy.aggregates import Aggregates, Budget
from anonymization_pipeline.core.policy.model import Location, StrictModel


class SyntheticTargets(StrictModel):
    """What the evaluation must show before anything is published.

    `min_dcr_ratio`: distance to the closest training record, synthetic rows against real hold-out
    rows (≥ 1: the synthetic rows are no closer to the training rows than unseen real people are).
    `max_unique_copy_ratio`: share of synthetic rows that copy a row unique in training, over the
    same share of the hold-out. `max_membership_auc`: how well the distance to the synthetic data
    tells training rows from hold-out rows (0.5: not at all).
    """

    min_quality: float | None = Field(None, ge=0, le=1)
    min_column_shapes: float | None = Field(None, ge=0, le=1)
    min_pair_trends: float | None = Field(None, ge=0, le=1)
    min_ml_utility: float | None = Field(None, ge=0, le=1)
    min_dcr_ratio: float | None = Field(1.0, ge=0)
    max_unique_copy_ratio: float | None = Field(1.0, ge=0)
    max_membership_auc: float | None = Field(0.6, ge=0.5, le=1)


class Synthetic(StrictModel):
    """A synthetic dataset drawn from a model of the raw records.

    `bayesian_network`: a degree-`max_parents` network of the columns learned from mutual
    information. `dp_marginals`: ε-differentially private (a tree of noisy one- and two-way
    marginals, MST-style); `epsilon` is what one run spends, out of `budget` per period.
    """

    method: Literal["bayesian_network", "dp_marginals"] = "bayesian_network"
    rows: int | None = Field(None, ge=1)
    epsilon: float | None = Field(None, gt=0, le=100)
    budget: Budget | None = None
    seed: int | None = Field(None, ge=0)
    output: Location | None = None
    holdout: float = Field(0.2, gt=0, lt=0.9)
    max_bins: int = Field(20, ge=2, le=1000)
    max_parents: int = Field(2, ge=1, le=4)
    utility_target: str | None = Field(None, min_length=1)
    targets: SyntheticTargets = Field(default_factory=SyntheticTargets)

    @model_validator(mode="after")
    def _epsilon_for_dp_only(self) -> Synthetic:
        if self.method == "dp_marginals" and self.epsilon is None:
            raise ValueError("dp_marginals needs 'epsilon', the privacy budget one run spends (e.g. 1.0)")
        if self.method != "dp_marginals" and self.epsilon is not None:
            raise ValueError("'epsilon' is for method dp_marginals; bayesian_network is not differentially private")
        if self.method != "dp_marginals" and self.budget is not None:
            raise ValueError("'budget' is for method dp_marginals; bayesian_network spends no privacy budget")
        if self.targets.min_ml_utility is not None and self.utility_target is None:
            raise ValueError("targets.min_ml_utility needs 'utility_target', the column a model learns to predict")
        return self


def synthetic_budget(synthetic: Synthetic, aggregates: Aggregates | None) -> Budget | None:
    """The budget a `dp_marginals` run is charged to: `synthetic.budget`, else `aggregates.budget`
    (None for a method that spends none). Raises ValueError when there is none, or when one run
    would spend more than the whole budget: the policy is refused before anything is measured."""
    if synthetic.method != "dp_marginals":
        return None
    budget = synthetic.budget or (aggregates.budget if aggregates is not None else None)
    if budget is None:
        raise ValueError(
            "synthetic: dp_marginals is charged to the dataset's privacy budget ledger; add "
            "synthetic.budget (e.g. budget: {epsilon: 3.0, period: month}) or an aggregates section with its budget"
        )
    if synthetic.epsilon > budget.epsilon * (1 + 1e-12):
        source = "synthetic.budget" if synthetic.budget is not None else "aggregates.budget"
        raise ValueError(
            f"synthetic: epsilon {synthetic.epsilon:g} is more than the whole {source} "
            f"(epsilon {budget.epsilon:g} per {budget.period})"
        )
    return budget
