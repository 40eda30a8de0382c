"""Accuracy as stated: over 1,000 releases, each 95 % interval covers the exact statistic 94–96 % of the time.

One release holds many intervals per kind (20 grouped counts, 22 histogram bins, 10 sums, 10
means), so each kind's coverage is pooled over 10,000–22,000 intervals. The standard error is then
0.15–0.22 points and the 94–96 % band is four to six of them wide on each side: a correct interval
passes all but about once in 10^4 runs, while an interval of the wrong width fails: a 90 % one
covers 90 %, one computed for half the sensitivity 78 %, one for twice the sensitivity 99.75 %.
The noise scales are large enough (≥ 20) that integer noise cannot push the coverage past 95.2 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anonymization_pipeline.core.dp.release import release_table
from anonymization_pipeline.core.policy.aggregates import Aggregates

RELEASES = 1_000
GROUPS = [f"g{number:02d}" for number in range(20)]
SUMMED = [f"x{number}" for number in range(10)]
EDGES = list(range(0, 101, 5))


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    """500 people with 4 rows each (max_rows 5, so nothing is truncated and the truth is exact)."""
    rng = np.random.default_rng(2026)
    rows = 2_000
    frame = pd.DataFrame(
        {"user_id": np.repeat(np.arange(500), 4).astype(str), "group": rng.choice(GROUPS, rows)}
    )
    for column in SUMMED:
        frame[column] = rng.integers(0, 101, rows)
    return frame


def aggregates() -> Aggregates:
    queries = [
        {"name": "by_group", "kind": "count", "by": ["group"], "keys": {"group": GROUPS}, "epsilon": 0.25},
        {
            "name": "by_group_gaussian",
            "kind": "count",
            "by": ["group"],
            "keys": {"group": GROUPS},
            "epsilon": 1.0,
            "delta": 1e-6,
            "mechanism": "gaussian",
        },
        {"name": "x0_histogram", "kind": "histogram", "column": "x0", "edges": EDGES, "epsilon": 0.25},
        *({"name": f"sum_{c}", "kind": "sum", "column": c, "bounds": [0, 100], "epsilon": 1.0} for c in SUMMED),
        *({"name": f"mean_{c}", "kind": "mean", "column": c, "bounds": [0, 100], "epsilon": 1.0} for c in SUMMED),
    ]
    return Aggregates.model_validate(
        {
            "privacy_unit": {"column": "user_id", "max_rows": 5},
            "budget": {"epsilon": 100.0, "delta": 1e-3},
            "output": {"format": "csv", "path": "/unused.csv"},
            "queries": queries,
        }
    )


def truth(people: pd.DataFrame) -> dict[tuple[str, str], float]:
    """The exact statistic behind every released row, keyed by (query, group or bin)."""
    exact: dict[tuple[str, str], float] = {}
    counts = people["group"].value_counts()
    for group in GROUPS:
        exact["by_group", group] = exact["by_group_gaussian", group] = float(counts.get(group, 0))
    bins = np.histogram(people["x0"], bins=EDGES)[0]
    labels = ["< 0", *[f"[{a}, {b})" for a, b in zip(EDGES[:-2], EDGES[1:-1])], f"[{EDGES[-2]}, {EDGES[-1]}]", "> 100"]
    for label, count in zip(labels, [0, *bins, 0]):
        exact["x0_histogram", label] = float(count)
    for column in SUMMED:
        exact[f"sum_{column}", ""] = float(people[column].sum())
        exact[f"mean_{column}", ""] = float(people[column].mean())
    return exact


def kind_of(query: str) -> str:
    return query.split("_")[0] if query.startswith(("sum", "mean")) else query.removeprefix("x0_")


def test_every_interval_covers_the_exact_value_94_to_96_percent_of_the_time(people):
    spec = aggregates()
    exact = truth(people)
    covered: dict[str, list[np.ndarray]] = {}
    for _ in range(RELEASES):
        table = release_table(spec, people)
        where = table["group"].fillna(table["bin"]).fillna("")
        expected = np.array([exact[query, key] for query, key in zip(table["query"], where)])
        hits = (table["ci_low"].to_numpy() <= expected) & (expected <= table["ci_high"].to_numpy())
        for kind, group in pd.Series(hits).groupby(table["query"].map(kind_of).to_numpy()):
            covered.setdefault(kind, []).append(group.to_numpy())
    coverage = {kind: float(np.concatenate(parts).mean()) for kind, parts in covered.items()}
    assert set(coverage) == {"by_group", "by_group_gaussian", "histogram", "sum", "mean"}
    for kind, share in coverage.items():
        assert 0.94 <= share <= 0.96, f"{kind}: {share:.4f} of the 95 % intervals cover the exact value"
