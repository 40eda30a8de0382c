"""Risk-assessment speed and memory on Adult and on a generated 1,000,000-row table.

Prints, for each table: seconds and peak traced memory of the class-based measures (classes,
prosecutor risk, l-diversity variants, t-closeness distances: the privacy registry's criteria on
the one class-count structure), the population-uniqueness
estimators and the whole `assess_risk`; in the same run, the same class-based work as a pandas
group-by (k, prosecutor, distinct l) and, on Adult, entropy l as a per-group apply, with ratios.
Seconds are measured without memory tracing; peaks in a second, traced run.
Target: class-based measures <= 2 s on 1 M rows.

    .venv/bin/python benchmarks/risk.py            # both tables
    .venv/bin/python benchmarks/risk.py --rows 200000
"""

from __future__ import annotations

import argparse
import math
import resource
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

from anonymization_pipeline.core.datasets import ADULT_QUASI_IDENTIFIERS, adult_hierarchy_path, load_adult
from anonymization_pipeline.core.policy import validate_policy
from anonymization_pipeline.core.privacy.classes import PublishedClasses, published_classes
from anonymization_pipeline.core.privacy.closeness import EqualDistanceTCloseness, OrderedDistanceTCloseness
from anonymization_pipeline.core.privacy.criteria import DistinctLDiversity, EntropyLDiversity, RecursiveCLDiversity
from anonymization_pipeline.core.privacy.encoding import sensitive_attribute
from anonymization_pipeline.core.risk import assess_risk
from anonymization_pipeline.core.risk.prosecutor import prosecutor_risk
from anonymization_pipeline.core.risk.uniqueness import population_uniqueness

ADULT_LEVELS = [1, 0, 1, 1, 2, 2, 2, 1]  # the entropy 5-diversity optimum, occupation sensitive


def seconds(work: Callable[[], object], repeats: int = 3) -> float:
    """Best wall time of `repeats` calls (the first call also warms caches up)."""
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def traced_peak(work: Callable[[], object]) -> float:
    """Peak traced allocation (MiB) of one call: numpy and pandas buffers, not Arrow's."""
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def regrouped(frame: pd.DataFrame, qis: list[str], sensitive: str) -> PublishedClasses:
    """The one class-count structure, with the sensitive attribute's counts (the frame is the reference)."""
    return published_classes(frame, qis, {sensitive: sensitive_attribute(frame[sensitive], sensitive, None)})


def k_prosecutor_distinct(frame: pd.DataFrame, qis: list[str], sensitive: str) -> tuple[float, ...]:
    """The measures the pandas baseline computes, with our code."""
    published = regrouped(frame, qis, sensitive)
    figures = prosecutor_risk(published.sizes, 0.2)
    kept = np.ones(published.count, dtype=bool)
    distinct = DistinctLDiversity(sensitive, 1).achieved(published.classes, kept)
    return figures["highest_risk"], figures["average_risk"], figures["records_at_risk"], distinct


def class_based(frame: pd.DataFrame, qis: list[str], sensitive: str) -> None:
    attribute = sensitive_attribute(frame[sensitive], sensitive, None)
    published = published_classes(frame, qis, {sensitive: attribute})
    prosecutor_risk(published.sizes, 0.2)
    kept = np.ones(published.count, dtype=bool)
    criteria = (
        DistinctLDiversity(sensitive, 1),
        EntropyLDiversity(sensitive, 1.0),
        RecursiveCLDiversity(sensitive, 3.0, 1),
        EqualDistanceTCloseness(attribute, 1.0),
        OrderedDistanceTCloseness(attribute, 1.0),
    )
    for criterion in criteria:
        criterion.achieved(published.classes, kept)


def pandas_group_by(frame: pd.DataFrame, qis: list[str], sensitive: str) -> tuple[float, ...]:
    """k, prosecutor risk and distinct l the usual pandas way: one group-by per measure."""
    sizes = frame.groupby(qis, dropna=False).size()
    distinct = frame.groupby(qis, dropna=False)[sensitive].nunique()
    return 1 / sizes.min(), len(sizes) / len(frame), sizes[1 / sizes > 0.2].sum() / len(frame), distinct.min()


def per_group_entropy(frame: pd.DataFrame, qis: list[str], sensitive: str) -> float:
    """Entropy l with a Python function per class, as the reference tools do it."""

    def entropy(values: pd.Series) -> float:
        shares = values.value_counts(normalize=True)
        return float(-(shares * np.log(shares)).sum())

    return frame.groupby(qis, dropna=False)[sensitive].apply(entropy).min()


def generated(rows: int, seed: int = 7) -> tuple[pd.DataFrame, list[str], str]:
    """Eight generalized quasi-identifiers with many distinct tuples, and a sensitive diagnosis."""
    rng = np.random.default_rng(seed)
    columns = {
        "birth_years": (rng.normal(1975, 18, rows).clip(1920, 2005) // 5 * 5).astype(int),
        "sex": rng.integers(0, 2, rows),
        "zip3": rng.zipf(1.3, rows) % 100 + 100,
        "education": rng.choice(4, rows, p=[0.4, 0.3, 0.2, 0.1]),
        "marital": rng.choice(3, rows, p=[0.5, 0.35, 0.15]),
        "race": rng.choice(3, rows, p=[0.7, 0.2, 0.1]),
        "workclass": rng.choice(3, rows, p=[0.6, 0.3, 0.1]),
        "children": rng.poisson(1.0, rows).clip(0, 2),
    }
    frame = pd.DataFrame({name: pd.Series(values).astype(str) for name, values in columns.items()})
    frame["diagnosis"] = "D" + pd.Series(rng.zipf(1.5, rows) % 40).astype(str).str.zfill(2)
    return frame, list(columns), "diagnosis"


def adult_table() -> tuple[pd.DataFrame, list[str], str]:
    adult = load_adult()
    qis = [c for c in ADULT_QUASI_IDENTIFIERS if c != "occupation"]
    for column, level in zip(qis, ADULT_LEVELS):
        table = pd.read_csv(adult_hierarchy_path(column), sep=";", header=None, dtype=str, keep_default_na=False)
        adult[column] = adult[column].map(dict(zip(table[0], table[level])))
    return adult, qis, "occupation"


def policy_for(qis: list[str], sensitive: str):
    fields = {name: {"class": "quasi_identifier", "hierarchy": {"prefix": [1, 0]}} for name in qis}
    fields[sensitive] = {"class": "sensitive", "method": "keep"}
    return validate_policy(
        {
            "version": 1,
            "dataset": {"name": "bench", "input": {"format": "csv", "path": "/in.csv"}, "output": {"format": "csv", "path": "/out.csv"}},
            "fields": fields,
            "privacy": {"k": 2, "l_diversity": {"attribute": sensitive, "l": 2, "variant": "recursive", "c": 3}},
            "risk": {"sampling_fraction": 0.05},
        }
    )


def report(name: str, frame: pd.DataFrame, qis: list[str], sensitive: str, naive_entropy: bool) -> None:
    classes = published_classes(frame, qis)
    policy = policy_for(qis, sensitive)
    print(f"\n== {name}: {len(frame):,} rows, {len(qis)} quasi-identifiers, {classes.count:,} classes")
    ours = seconds(lambda: class_based(frame, qis, sensitive))
    ours_mib = traced_peak(lambda: class_based(frame, qis, sensitive))
    same = seconds(lambda: k_prosecutor_distinct(frame, qis, sensitive))
    grouped = seconds(lambda: pandas_group_by(frame, qis, sensitive))
    estimators = seconds(lambda: population_uniqueness(classes.sizes, 0.05))
    whole = seconds(lambda: assess_risk(frame, policy))
    whole_mib = traced_peak(lambda: assess_risk(frame, policy))
    verdict = "within" if ours <= 2.0 else "ABOVE"
    print(f"class-based measures (k, prosecutor, 3 l variants, 2 t distances): {ours:8.3f} s  peak {ours_mib:7.1f} MiB  ({verdict} the 2 s target)")
    print(f"ours, k + prosecutor + distinct l only:                             {same:8.3f} s")
    print(f"pandas group-by, k + prosecutor + distinct l:                       {grouped:8.3f} s  ratio {grouped / same:6.1f}x")
    if naive_entropy:
        apply = seconds(lambda: per_group_entropy(frame, qis, sensitive), repeats=1)
        print(f"per-class Python apply (entropy l only):                            {apply:8.3f} s  ratio {apply / ours:6.1f}x")
    print(f"population uniqueness (Pitman + Zayatz, 5 % sample):               {estimators:8.3f} s")
    print(f"whole assess_risk:                                                  {whole:8.3f} s  peak {whole_mib:7.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated table")
    args = parser.parse_args()
    report("Adult (entropy 5-diversity optimum)", *adult_table(), naive_entropy=True)
    report("generated", *generated(args.rows), naive_entropy=False)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS: {peak_rss:,.0f} MiB (data, Arrow buffers and all steps)")


if __name__ == "__main__":
    main()
