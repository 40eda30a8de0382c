"""The prosecutor model: the attacker knows the target is in the published table.

A record in a class of size f is re-identified with probability 1/f, so every figure follows
from the class sizes (El Emam, "Guide to the De-Identification of Personal Health Information",
2013, ch. "Measuring the Probability of Re-Identification"; ARX's RiskModelSampleSummary).
"""

from __future__ import annotations

import numpy as np

RISK_THRESHOLDS = (0.2, 0.1, 0.05)
RISK_BANDS = ((0.5, 1.0), (0.2, 0.5), (0.1, 0.2), (0.05, 0.1), (0.01, 0.05), (0.0, 0.01))


def records_at_risk(sizes: np.ndarray, threshold: float) -> float:
    """Fraction of records whose risk 1/|class| is above `threshold` (strictly, as ARX).

    >>> records_at_risk(np.array([1, 4, 5]), 0.2)
    0.5
    """
    rows = int(sizes.sum())
    if rows == 0:
        return 0.0
    return float(sizes[1.0 / sizes > threshold].sum() / rows)


def band_label(low: float, high: float) -> str:
    return f"({low:g}, {high:g}]" if low > 0 else f"[0, {high:g}]"


def records_by_risk_band(sizes: np.ndarray) -> dict[str, int]:
    """Number of records per band of individual risk, highest band first (for the risk plot).

    >>> records_by_risk_band(np.array([1, 5]))["(0.5, 1]"]
    1
    """
    risk = 1.0 / sizes if len(sizes) else np.zeros(0)
    bands = {}
    for low, high in RISK_BANDS:
        inside = (risk <= high) & ((risk > low) if low > 0 else (risk >= low))
        bands[band_label(low, high)] = int(sizes[inside].sum())
    return bands


def size_distribution(sizes: np.ndarray) -> dict[str, int]:
    """Number of classes of each size, as {"size": classes}, smallest size first.

    >>> size_distribution(np.array([2, 5, 2]))
    {'2': 2, '5': 1}
    """
    values, counts = np.unique(sizes, return_counts=True)
    return {str(int(v)): int(c) for v, c in zip(values, counts)}


def prosecutor_risk(sizes: np.ndarray, threshold: float) -> dict:
    """Highest risk (1/smallest class), average risk (classes/records), records at risk, sample uniques.

    >>> prosecutor_risk(np.array([1, 4, 5]), 0.2)["average_risk"]
    0.3
    """
    rows = int(sizes.sum())
    if rows == 0:
        return {
            "highest_risk": 0.0,
            "average_risk": 0.0,
            "records_at_risk": 0.0,
            "records_at_risk_by_threshold": {f"{t:g}": 0.0 for t in RISK_THRESHOLDS},
            "sample_uniques": 0,
            "sample_uniques_fraction": 0.0,
        }
    uniques = int((sizes == 1).sum())
    return {
        "highest_risk": float(1.0 / sizes.min()),
        "average_risk": float(len(sizes) / rows),
        "records_at_risk": records_at_risk(sizes, threshold),
        "records_at_risk_by_threshold": {f"{t:g}": records_at_risk(sizes, t) for t in RISK_THRESHOLDS},
        "sample_uniques": uniques,
        "sample_uniques_fraction": uniques / rows,
    }
