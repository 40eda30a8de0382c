"""What the privacy engine hands back: the generalized frame, a JSON-safe summary, the suppressed rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class PrivacyResult:
    """The output of `anonymize_quasi_identifiers`.

    `summary` holds only counts, levels and figures (never a value from the data): transformation
    (column -> level; None for Mondrian), metric, information_loss, suppressed_rows,
    equivalence_classes, min_class_size, k_achieved, nodes_checked, algorithm, and l/t achieved
    when configured. `suppressed` is a boolean mask over the input rows.

    >>> result.summary["transformation"]  # doctest: +SKIP
    {'sex': 1, 'age': 1}
    """

    frame: pd.DataFrame
    summary: dict
    suppressed: np.ndarray
