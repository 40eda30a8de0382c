"""The UCI Adult census extract with ARX's generalization hierarchies.

Data: UCI Machine Learning Repository, "Adult" (Becker & Kohavi, 1996), CC BY 4.0, as
distributed with ARX (30,162 complete rows). Hierarchies: the ARX project
(https://arx.deidentifier.org), Apache License 2.0. See data/adult/ATTRIBUTION.md.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pandas as pd

ADULT_QUASI_IDENTIFIERS = [
    "sex",
    "age",
    "race",
    "marital-status",
    "education",
    "native-country",
    "workclass",
    "occupation",
    "salary-class",
]


def _data_dir() -> Path:
    return Path(str(files("anonymization_pipeline.core.datasets") / "data" / "adult"))


def adult_csv_path() -> Path:
    return _data_dir() / "adult.csv"


def adult_hierarchy_path(column: str) -> Path:
    """ARX's hierarchy table for `column` (`;`-separated, one column per level)."""
    path = _data_dir() / f"adult_hierarchy_{column}.csv"
    if not path.exists():
        raise ValueError(f"column: no Adult hierarchy for {column!r}; known: {', '.join(ADULT_QUASI_IDENTIFIERS)}")
    return path


def load_adult() -> pd.DataFrame:
    """All 30,162 rows, every column as a string, exactly as ARX reads them.

    >>> load_adult().shape
    (30162, 9)
    """
    return pd.read_csv(adult_csv_path(), sep=";", dtype=str, keep_default_na=False)
