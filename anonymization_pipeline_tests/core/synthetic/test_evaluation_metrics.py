"""The evaluation's measures against small computations written out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.policy.synthetic import SyntheticTargets
from anonymization_pipeline.core.synthetic.encoding import shared_columns
from anonymization_pipeline.core.synthetic.evaluation import evaluate, judge
from anonymization_pipeline.core.synthetic.privacy_metrics import (
    closest,
    copies_of_unique,
    dcr_ratio,
    membership_auc,
    row_keys,
)
from anonymization_pipeline.core.synthetic.quality import quality
from anonymization_pipeline.core.synthetic.utility import ml_utility

def scored(real: pd.DataFrame, synthetic: pd.DataFrame):
    """Quality with an empty hold-out (the quality reads training and synthetic rows only)."""
    return quality(shared_columns(real, real.iloc[:0], synthetic))


def test_column_shapes_are_one_minus_tvd_and_one_minus_ks():
    real = pd.DataFrame({"c": ["a", "a", "b", "b"], "n": [1.0, 2.0, 3.0, 4.0]})
    synthetic = pd.DataFrame({"c": ["a", "a", "a", None], "n": [1.0, 2.0, 2.0, 2.0]})
    result = scored(real, synthetic)
    # TVD: real a .5 b .5 null 0; synthetic a .75 b 0 null .25 -> (0.25 + 0.5 + 0.25) / 2 = 0.5
    assert result.columns["c"] == pytest.approx(0.5)
    # KS: real CDF at 2 is 0.5, synthetic 1.0 -> 0.5
    assert result.columns["n"] == pytest.approx(0.5)
    assert result.column_shapes == pytest.approx(0.5)


def test_pair_trends_are_correlation_and_contingency_similarity():
    real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [1.0, 2.0, 3.0, 4.0], "c": ["a", "a", "b", "b"]})
    synthetic = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [4.0, 3.0, 2.0, 1.0], "c": ["a", "b", "a", "b"]})
    result = scored(real, synthetic)
    # Pearson: real +1, synthetic -1 -> 1 - |(-1) - 1| / 2 = 0
    assert result.pairs["x / y"] == pytest.approx(0.0)
    # x is cut into 10 equal bins over [1, 4]: 1 -> bin 0, 2 -> bin 3, 3 -> bin 6, 4 -> bin 9.
    # real pairs (0,a) (3,a) (6,b) (9,b); synthetic (0,a) (3,b) (6,a) (9,b): two cells of four move -> TVD 0.5
    assert result.pairs["x / c"] == pytest.approx(0.5)
    assert result.pair_trends == pytest.approx(np.mean([0.0, 0.5, 0.5]))
    assert result.score == pytest.approx((result.column_shapes + result.pair_trends) / 2)


def test_a_copy_of_the_real_table_scores_one():
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b", "c"], 200), "d": rng.integers(0, 5, 200)})
    result = scored(real, real.copy())
    assert result.score == pytest.approx(1.0) and result.pair_trends == pytest.approx(1.0)


def test_copies_of_unique_rows_count_only_rows_seen_once_in_training():
    training = pd.DataFrame({"a": ["x", "x", "y", "z"], "b": [1, 1, 2, 3]})
    rows = pd.DataFrame({"a": ["x", "y", "y", "q"], "b": [1, 2, 2, 1]})
    columns = shared_columns(training, rows, rows)
    keys = [row_keys(columns, part) for part in (0, 1)]
    # ("x", 1) occurs twice in training; ("y", 2) once; ("q", 1) never -> 2 of 4 rows copy a unique row
    assert copies_of_unique(keys[0], keys[1]) == 0.5
    naive = sum(1 for r in rows.itertuples(index=False) if (training == list(r)).all(axis=1).sum() == 1) / len(rows)
    assert copies_of_unique(keys[0], keys[1]) == naive


def test_distance_to_closest_record_matches_a_brute_force_minimum():
    rng = np.random.default_rng(1)
    reference, queries = rng.random((300, 4)), rng.random((50, 4))
    brute = np.sqrt(((queries[:, None, :] - reference[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    assert closest(reference, queries) == pytest.approx(brute, abs=1e-6)
    assert closest(reference, reference[:5]).tolist() == [0.0] * 5


def test_dcr_ratio_uses_fifth_percentiles_or_the_shares_at_zero():
    assert dcr_ratio(0.2, 0.1, 0.0, 0.0, 100, 100) == pytest.approx(2.0)
    # 30 synthetic and 40 hold-out rows of 100 at distance 0: (40 + 1) / (30 + 1)
    assert dcr_ratio(0.0, 0.0, 0.3, 0.4, 100, 100) == pytest.approx(41 / 31)


def test_membership_auc_is_the_share_of_correctly_ordered_pairs():
    training = np.array([0.0, 0.1, 0.5])
    holdout = np.array([0.1, 0.7])
    pairs = [(t, h) for t in training for h in holdout]
    naive = sum(1.0 if t < h else 0.5 if t == h else 0.0 for t, h in pairs) / len(pairs)
    assert membership_auc(training, holdout) == pytest.approx(naive)


def test_ml_utility_trains_on_synthetic_and_real_and_tests_on_the_holdout():
    rng = np.random.default_rng(2)
    x = rng.choice(["p", "q"], 600)
    frame = pd.DataFrame({"x": x, "y": np.where(x == "p", "yes", "no")})
    flipped = frame.assign(y=np.where(x == "p", "no", "yes"))
    columns = shared_columns(frame.iloc[:400], frame.iloc[400:], flipped)
    utility = ml_utility(columns, "y", seed=0)
    assert (utility.metric, utility.real, utility.synthetic) == ("accuracy", 1.0, 0.0)


def test_targets_are_judged_with_their_direction_and_unset_ones_are_skipped():
    rng = np.random.default_rng(3)
    real = pd.DataFrame({"a": rng.choice(["x", "y"], 400), "b": rng.integers(0, 100_000, 400)})
    evaluation = evaluate(real.iloc[:300], real.iloc[300:], real.iloc[:300], None, seed=0)
    verdicts = {v.target: v for v in judge(evaluation, SyntheticTargets(min_quality=0.99, max_membership_auc=0.6))}
    assert verdicts["min_quality"].passed
    assert verdicts["min_dcr_ratio"].value < 1 and not verdicts["min_dcr_ratio"].passed
    assert not verdicts["max_unique_copy_ratio"].passed
    assert verdicts["max_membership_auc"].value > 0.95 and not verdicts["max_membership_auc"].passed
    assert "min_ml_utility" not in verdicts and "min_pair_trends" not in verdicts
    assert verdicts["min_dcr_ratio"].describe().startswith("synthetic dcr_ratio: ")
