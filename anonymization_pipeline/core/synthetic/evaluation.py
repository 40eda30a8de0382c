"""Every run's evaluation of its synthetic table, and the verdict on the policy's targets."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from threadpoolctl import threadpool_limits

from anonymization_pipeline.core.policy.synthetic import SyntheticTargets
from anonymization_pipeline.core.synthetic.encoding import shared_columns
from anonymization_pipeline.core.synthetic.privacy_metrics import PrivacyScores, privacy_scores
from anonymization_pipeline.core.synthetic.quality import Quality, quality
from anonymization_pipeline.core.synthetic.utility import MlUtility, ml_utility

EVALUATION_ROWS = 200_000
EVALUATION_THREADS = 1
"""scikit-learn's OpenMP and BLAS threads: one. On a shared machine a team of spinning threads
made the gradient boosting 30 times slower; the evaluation's sizes are bounded, one core does."""


@dataclass(frozen=True)
class Evaluation:
    quality: Quality
    ml_utility: MlUtility | None
    privacy: PrivacyScores


@dataclass(frozen=True)
class TargetResult:
    """One target's verdict: the name of the check that shows it, the measured value, the bound."""

    check: str
    target: str
    value: float | None
    bound: float
    passed: bool

    def describe(self) -> str:
        shown = "not measurable" if self.value is None else f"{self.value:.4f}"
        relation = "≥" if self.target.startswith("min_") else "≤"
        return f"synthetic {self.check}: {shown}, target {relation} {self.bound}"


def evaluate(
    training: pd.DataFrame, holdout: pd.DataFrame, synthetic: pd.DataFrame, utility_target: str | None, seed: int
) -> Evaluation:
    """Quality against the training rows, utility and privacy against the hold-out. A large
    table is judged on a uniform sample of EVALUATION_ROWS of its rows (the copies of training
    rows are still looked up among all of them)."""
    synthetic, sampled_training = (
        frame if len(frame) <= EVALUATION_ROWS else frame.sample(EVALUATION_ROWS, random_state=seed)
        for frame in (synthetic, training)
    )
    columns = shared_columns(training, holdout, synthetic)
    compared = columns if sampled_training is training else shared_columns(sampled_training, holdout.iloc[:0], synthetic)
    with threadpool_limits(limits=EVALUATION_THREADS):
        return Evaluation(
            quality=quality(compared),
            ml_utility=None if utility_target is None else ml_utility(columns, utility_target, seed),
            privacy=privacy_scores(columns, seed),
        )


TARGETS = {
    "min_quality": ("quality", lambda e: e.quality.score),
    "min_column_shapes": ("column_shapes", lambda e: e.quality.column_shapes),
    "min_pair_trends": ("pair_trends", lambda e: e.quality.pair_trends),
    "min_ml_utility": ("ml_utility", lambda e: e.ml_utility.synthetic if e.ml_utility else None),
    "min_dcr_ratio": ("dcr_ratio", lambda e: e.privacy.dcr_ratio),
    "max_unique_copy_ratio": ("unique_copies", lambda e: e.privacy.unique_copy_ratio),
    "max_membership_auc": ("membership_inference", lambda e: e.privacy.membership_auc),
}
"""Each target: the check that shows it and how to read its value from an evaluation."""


def judge(evaluation: Evaluation, targets: SyntheticTargets) -> list[TargetResult]:
    """One verdict per target the policy sets; a value that cannot be measured fails (except
    pair trends of a single column, which have nothing to keep)."""
    results = []
    for name, (check, read) in TARGETS.items():
        bound = getattr(targets, name)
        if bound is None:
            continue
        value = read(evaluation)
        if value is None:
            passed = name == "min_pair_trends"
        else:
            passed = value >= bound if name.startswith("min_") else value <= bound
        results.append(TargetResult(check, name, None if value is None else float(value), bound, bool(passed)))
    return results

