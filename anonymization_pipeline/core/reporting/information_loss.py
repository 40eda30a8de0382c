"""Per-column information loss: the share of a column's information the published values no longer carry.

loss = H(X | Y) / H(X), with X the raw column and Y the published one (row-aligned), both as
categories (missing is a category). 0 means the published column still tells every raw value
apart; 1 means it tells nothing (all `*`, or the row was removed). It needs no hierarchy, so it
reads full-domain, Mondrian and masked output alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from anonymization_pipeline.core.risk.classes import SUPPRESSED, column_codes


def _entropy(counts: np.ndarray) -> float:
    share = counts[counts > 0] / counts.sum()
    return float(-(share * np.log2(share)).sum())


def column_information_loss(
    before: pd.DataFrame, after: pd.DataFrame, columns: list[str], weights: np.ndarray | None = None
) -> dict[str, float]:
    """H(X|Y)/H(X) for each column; rows missing from `after` (removed) count as fully lost. With
    `weights`, each row of `before` (and its row of `after`) stands for that many records: a
    histogram of distinct raw tuples and their recoding, as the Spark engine's search sees them.

    >>> before = pd.DataFrame({"age": ["21", "22", "31", "32"]})
    >>> column_information_loss(before, pd.DataFrame({"age": ["2*", "2*", "3*", "3*"]}), ["age"])
    {'age': 0.5}
    """
    published = after[[name for name in columns if name in after.columns]]
    aligned = published if published.index.equals(before.index) else published.reindex(before.index)
    loss = {}
    for name in columns:
        raw_codes, raw_values = column_codes(before[name])
        published = aligned[name].astype("string").fillna(SUPPRESSED) if name in aligned else pd.Series(SUPPRESSED, index=before.index)
        published_codes, published_values = column_codes(published)
        total = _entropy(np.bincount(raw_codes, weights=weights))
        if total == 0:
            loss[name] = 0.0
            continue
        joint = np.bincount(published_codes * len(raw_values) + raw_codes, weights=weights)
        conditional = _entropy(joint) - _entropy(np.bincount(published_codes, weights=weights, minlength=len(published_values)))
        loss[name] = round(min(max(conditional / total, 0.0), 1.0), 12)
    return loss
