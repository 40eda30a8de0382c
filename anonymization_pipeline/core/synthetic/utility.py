"""Machine-learning utility: does a model trained on the synthetic rows predict as well, on real
rows it never saw (the hold-out), as one trained on the real training rows?

The model is scikit-learn's HistGradientBoosting (classifier for a category, scored by accuracy;
regressor for a number, scored by R²), with its defaults and the run's seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from anonymization_pipeline.core.synthetic.encoding import HOLDOUT, SYNTHETIC, TRAIN, SharedColumn

TRAINING_ROWS = 50_000
"""Rows each model learns from at most: the comparison needs no more, the run's time does."""
MAX_CATEGORIES = 255


@dataclass(frozen=True)
class MlUtility:
    target: str
    metric: Literal["accuracy", "r2"]
    synthetic: float
    real: float


def ml_utility(columns: list[SharedColumn], target: str, seed: int) -> MlUtility:
    """Scores of the two models on the hold-out; `columns` stack training, hold-out, synthetic rows."""
    rng = np.random.default_rng(seed)
    label = next(column for column in columns if column.name == target)
    features = [column for column in columns if column.name != target]
    categorical = [not c.numeric and int(c.codes.max(initial=0)) < MAX_CATEGORIES for c in features]
    classify = not label.numeric
    scores = []
    for part in (SYNTHETIC, TRAIN):
        x, y = _matrix(features, part), label.part(part).astype(np.float64)
        keep = ~np.isnan(y)
        x, y = x[keep], y[keep]
        if len(y) > TRAINING_ROWS:
            chosen = rng.choice(len(y), TRAINING_ROWS, replace=False)
            x, y = x[chosen], y[chosen]
        model_class = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
        model = model_class(categorical_features=categorical or None, random_state=seed % 2**32)
        test_x, test_y = _matrix(features, HOLDOUT), label.part(HOLDOUT).astype(np.float64)
        known = ~np.isnan(test_y)
        if len(np.unique(y)) < 2 and classify:
            scores.append(float(np.mean(test_y[known] == y[0])) if len(y) else 0.0)
            continue
        model.fit(x, y)
        scores.append(float(model.score(test_x[known], test_y[known])))
    return MlUtility(target, "accuracy" if classify else "r2", scores[0], scores[1])


def _matrix(features: list[SharedColumn], part: int) -> np.ndarray:
    return np.stack([column.part(part).astype(np.float64) for column in features], axis=1)
