"""Does the synthetic data copy anyone? Always judged against a real hold-out the model never saw:
real people who were not in training are what "not copied" looks like on this very data (Adult
repeats itself: many unseen people equal some training row).

- unique copies: the share of synthetic rows equal to a row that is unique in training, over the
  same share of the hold-out rows (the hold-out share counted as at least one row);
- distance to closest record (DCR), synthetic → training against hold-out → training: the ratio
  of the 5th percentiles, or, where a 5th percentile is 0, of the shares at distance 0 (hold-out
  over synthetic, each count plus one, so that a ratio below 1 means more exact matches);
- membership inference: the AUC of telling training rows from hold-out rows by their distance to
  the closest synthetic row (0.5: the synthetic data says nothing about who was in training).

Distances are Euclidean over numbers scaled to [0, 1] by the training range and one-hot
categories scaled so that a mismatch counts 1 (categories past the most frequent 50 share one
slot), computed on bounded samples with scikit-learn's exact nearest neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors

from anonymization_pipeline.core.synthetic.encoding import HOLDOUT, SYNTHETIC, TRAIN, SharedColumn

QUERY_ROWS = 2_000
REFERENCE_ROWS = 10_000
TOP_CATEGORIES = 50
SAME_POINT = 1e-6


@dataclass(frozen=True)
class PrivacyScores:
    unique_copies_synthetic: float
    unique_copies_holdout: float
    unique_copy_ratio: float
    dcr_p5_synthetic: float
    dcr_p5_holdout: float
    exact_matches_synthetic: float
    exact_matches_holdout: float
    dcr_ratio: float
    membership_auc: float
    rows_compared: int


def privacy_scores(columns: list[SharedColumn], seed: int) -> PrivacyScores:
    """`columns` stack training, hold-out and synthetic rows, in that order."""
    rng = np.random.default_rng(seed)
    keys = [row_keys(columns, part) for part in (TRAIN, HOLDOUT, SYNTHETIC)]
    copies_synthetic, copies_holdout = (copies_of_unique(keys[TRAIN], keys[part]) for part in (SYNTHETIC, HOLDOUT))
    sizes = [columns[0].bounds[p + 1] - columns[0].bounds[p] for p in (TRAIN, HOLDOUT, SYNTHETIC)]
    floor = 1 / sizes[HOLDOUT]
    compared = min(QUERY_ROWS, sizes[HOLDOUT], sizes[SYNTHETIC], sizes[TRAIN])
    chosen = {
        "training": _sample(sizes[TRAIN], REFERENCE_ROWS, rng),
        "synthetic": _sample(sizes[SYNTHETIC], REFERENCE_ROWS, rng),
        "training queries": _sample(sizes[TRAIN], compared, rng),
        "holdout queries": _sample(sizes[HOLDOUT], compared, rng),
        "synthetic queries": _sample(sizes[SYNTHETIC], compared, rng),
    }
    parts = {"training": TRAIN, "synthetic": SYNTHETIC, "training queries": TRAIN}
    parts |= {"holdout queries": HOLDOUT, "synthetic queries": SYNTHETIC}
    scales = [PointScale.of(column) for column in columns]
    points = {name: encode_points(columns, scales, parts[name], rows) for name, rows in chosen.items()}
    to_training = {part: closest(points["training"], points[f"{part} queries"]) for part in ("synthetic", "holdout")}
    p5 = {part: float(np.percentile(d, 5)) for part, d in to_training.items()}
    exact = {"synthetic": copies_of_any(keys[TRAIN], keys[SYNTHETIC]), "holdout": copies_of_any(keys[TRAIN], keys[HOLDOUT])}
    members = np.concatenate([points["training queries"], points["holdout queries"]])
    to_synthetic = closest(points["synthetic"], members)
    return PrivacyScores(
        unique_copies_synthetic=copies_synthetic,
        unique_copies_holdout=copies_holdout,
        unique_copy_ratio=copies_synthetic / max(copies_holdout, floor),
        dcr_p5_synthetic=p5["synthetic"],
        dcr_p5_holdout=p5["holdout"],
        exact_matches_synthetic=exact["synthetic"],
        exact_matches_holdout=exact["holdout"],
        dcr_ratio=dcr_ratio(p5["synthetic"], p5["holdout"], exact["synthetic"], exact["holdout"], sizes[SYNTHETIC], sizes[HOLDOUT]),
        membership_auc=membership_auc(to_synthetic[:compared], to_synthetic[compared:]),
        rows_compared=compared,
    )


def row_keys(columns: list[SharedColumn], part: int) -> np.ndarray:
    """One 64-bit hash per row of a part, equal for equal rows (nulls equal nulls)."""
    frame = pd.DataFrame({c.name: c.part(part) for c in columns})
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def copies_of_unique(training: np.ndarray, rows: np.ndarray) -> float:
    """Share of `rows` equal to a training row that occurs exactly once in training."""
    once = training[~pd.Series(training).duplicated(keep=False).to_numpy()]
    return float(pd.Series(rows).isin(once).mean()) if len(rows) else 0.0


def closest(reference: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Distance from each query to its nearest reference row (rounding noise below 1e-6 is 0)."""
    index = NearestNeighbors(n_neighbors=1, algorithm="brute").fit(reference)
    distances, _ = index.kneighbors(queries)
    return np.where(distances[:, 0] < SAME_POINT, 0.0, distances[:, 0])


def copies_of_any(training: np.ndarray, rows: np.ndarray) -> float:
    """Share of `rows` equal to some training row: the share at distance 0, counted exactly."""
    return float(pd.Series(rows).isin(training).mean()) if len(rows) else 0.0


def dcr_ratio(
    p5_synthetic: float, p5_holdout: float, exact_synthetic: float, exact_holdout: float, synthetic_rows: int, holdout_rows: int
) -> float:
    """See the module docstring: ≥ 1 when synthetic rows sit no closer to training than hold-out rows.

    >>> dcr_ratio(0.0, 0.0, 0.3, 0.4, 100, 100)
    1.3225806451612903
    """
    if p5_synthetic > 0 and p5_holdout > 0:
        return float(p5_synthetic / p5_holdout)
    return float((exact_holdout * holdout_rows + 1) / (holdout_rows + 1) / ((exact_synthetic * synthetic_rows + 1) / (synthetic_rows + 1)))


def membership_auc(training_distances: np.ndarray, holdout_distances: np.ndarray) -> float:
    """AUC of the score −distance for telling training rows (positives) from hold-out rows."""
    labels = np.concatenate([np.ones(len(training_distances)), np.zeros(len(holdout_distances))])
    return float(roc_auc_score(labels, -np.concatenate([training_distances, holdout_distances])))


@dataclass(frozen=True)
class PointScale:
    """How one column becomes coordinates, read from the training rows: a number scaled by the
    training range (plus a null flag), or a category as a one-hot slot."""

    low: float
    span: float
    slots: np.ndarray | None

    @classmethod
    def of(cls, column: SharedColumn) -> PointScale:
        training = column.part(TRAIN)
        if column.numeric:
            present = training[~np.isnan(training)]
            low, high = (float(present.min()), float(present.max())) if present.size else (0.0, 1.0)
            return cls(low, high - low if high > low else 1.0, None)
        size = int(column.codes.max(initial=0)) + 1
        frequent = np.argsort(-np.bincount(training, minlength=size), kind="stable")[:TOP_CATEGORIES]
        slots = np.full(size, len(frequent))
        slots[frequent] = np.arange(len(frequent))
        return cls(0.0, 1.0, slots)

    def encode(self, values: np.ndarray) -> np.ndarray:
        if self.slots is None:
            missing = np.isnan(values)
            scaled = np.where(missing, 0.0, (values - self.low) / self.span)
            return np.stack([scaled, missing.astype(np.float64)], axis=1)
        return np.eye(int(self.slots.max()) + 1)[self.slots[values]] / np.sqrt(2)


def encode_points(columns: list[SharedColumn], scales: list[PointScale], part: int, rows: np.ndarray) -> np.ndarray:
    """The chosen `rows` of a part as points."""
    return np.concatenate([scale.encode(column.part(part)[rows]) for column, scale in zip(columns, scales)], axis=1)


def _sample(size: int, rows: int, rng: np.random.Generator) -> np.ndarray:
    return np.arange(size) if size <= rows else np.sort(rng.choice(size, rows, replace=False))
