"""A visits table and policies with an `aggregates:` section over it, for the DP tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

CITIES = ["Berlin", "Paris", "Rome", "Oslo", "Lima"]


def write_visits(folder: Path, people: int = 600, rows_each: int = 5) -> Path:
    """`people` users with `rows_each` visits: city, amount in [0, 500], age in [0, 99]."""
    rng = np.random.default_rng(16)
    rows = people * rows_each
    frame = pd.DataFrame(
        {
            "user_id": np.repeat([f"u{number:05d}" for number in range(people)], rows_each),
            "city": rng.choice(CITIES, rows, p=[0.4, 0.3, 0.2, 0.09, 0.01]),
            "amount": rng.integers(0, 501, rows),
            "age": rng.integers(0, 100, rows),
        }
    )
    path = folder / "visits.csv"
    frame.to_csv(path, index=False)
    return path


DEFAULT_QUERIES = [
    {"name": "visits", "kind": "count", "epsilon": 0.5},
    {"name": "visits_by_city", "kind": "count", "by": ["city"], "keys": {"city": CITIES}, "epsilon": 0.5},
    {"name": "total_amount", "kind": "sum", "column": "amount", "bounds": [0, 500], "epsilon": 0.5},
    {"name": "mean_amount", "kind": "mean", "column": "amount", "bounds": [0, 500], "epsilon": 0.5},
    {"name": "ages", "kind": "histogram", "column": "age", "edges": [0, 18, 30, 45, 65, 100], "epsilon": 0.5},
    {"name": "median_age", "kind": "quantile", "column": "age", "q": 0.5, "bounds": [0, 100], "epsilon": 0.5},
]


def write_policy(
    folder: Path, queries: list[dict[str, Any]] | None = None, budget: dict[str, Any] | None = None, max_rows: int = 5
) -> Path:
    """A policy over `folder`/visits.csv (written if missing) releasing to `folder`/out/aggregates.csv."""
    data = folder / "visits.csv"
    if not data.exists():
        write_visits(folder)
    document = {
        "version": 1,
        "dataset": {
            "name": "visits",
            "input": {"format": "csv", "path": str(data)},
            "output": {"format": "parquet", "path": str(folder / "out" / "records.parquet")},
        },
        "unlisted_columns": "drop",
        "fields": {"user_id": {"class": "direct_identifier", "method": "drop"}},
        "aggregates": {
            "privacy_unit": {"column": "user_id", "max_rows": max_rows},
            "budget": budget or {"epsilon": 5.0, "delta": 1e-6, "period": "month"},
            "output": {"format": "csv", "path": str(folder / "out" / "aggregates.csv")},
            "queries": queries or DEFAULT_QUERIES,
        },
    }
    path = folder / "policy.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path
