"""Privacy engine benchmark: ARX's reference cases, Mondrian against anonypy, and scale to 1M rows.

Run `python benchmarks/privacy.py`. Baselines are the figures stated in issue 5 (ARX 3.9.2 warm
search times and anonypy 0.2.1 measured on a machine like this one); they cannot be re-measured
here (no JVM), so each ratio is ours / theirs. Search times are the best of several warm runs of
the search alone (metric set-up, lattice, checks), as ARX's are; whole-call times include reading
hierarchies and encoding. The scale runs happen in fresh processes so each peak RSS is its own.
"""

from __future__ import annotations

import math
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

from anonymization_pipeline.core.datasets.adult import ADULT_QUASI_IDENTIFIERS, adult_hierarchy_path, load_adult
from anonymization_pipeline.core.policy.model import Policy
from anonymization_pipeline.core.privacy import anonymize_quasi_identifiers, build_hierarchies, optimal_search
from anonymization_pipeline.core.privacy.criteria import build_criteria, sensitive_names
from anonymization_pipeline.core.privacy.encoding import encode_table
from anonymization_pipeline.core.privacy.metrics import make_metric

WARM_RUNS = 7
EIGHT = [c for c in ADULT_QUASI_IDENTIFIERS if c != "occupation"]
ARX_CASES = [
    ("k=5, 0%, discernibility", {"k": 5, "metric": "discernibility"}, ADULT_QUASI_IDENTIFIERS, None, [1, 1, 1, 2, 3, 2, 2, 1, 1], 32),
    (
        "k=5, 4%, nue monotonic",
        {"k": 5, "max_suppression": 0.04, "metric": "non_uniform_entropy_monotonic"},
        ADULT_QUASI_IDENTIFIERS,
        None,
        [1, 0, 1, 1, 3, 2, 2, 0, 1],
        732,
    ),
    ("k=100, 0%, nue monotonic", {"k": 100, "metric": "non_uniform_entropy_monotonic"}, ADULT_QUASI_IDENTIFIERS, None, [0, 4, 1, 1, 3, 2, 2, 1, 1], 21),
    (
        "entropy 5-div, 4%, nue",
        {"l_diversity": {"attribute": "occupation", "l": 5, "variant": "entropy"}, "max_suppression": 0.04, "metric": "non_uniform_entropy"},
        EIGHT,
        "occupation",
        [1, 0, 1, 1, 2, 2, 2, 1],
        598,
    ),
]
ANONYPY_SECONDS, ANONYPY_DISCERNIBILITY, ANONYPY_CLASSES = 31.6, 312_784, 3_816
SCALE_SECONDS, SCALE_RSS_MB = 20.0, 2048


def policy_for(fields: dict, privacy: dict) -> Policy:
    location = {"format": "csv", "path": "/bench/in.csv"}
    return Policy.model_validate({"version": 1, "dataset": {"name": "bench", "input": location, "output": location}, "fields": fields, "privacy": privacy})


def adult_fields(quasi_identifiers: list[str], sensitive: str | None) -> dict:
    fields = {c: {"class": "quasi_identifier", "hierarchy": {"table": str(adult_hierarchy_path(c))}} for c in quasi_identifiers}
    for column in ADULT_QUASI_IDENTIFIERS:
        fields.setdefault(column, {"class": "sensitive" if column == sensitive else "non_sensitive", "method": "keep"})
    return fields


def search_seconds(frame: pd.DataFrame, policy: Policy) -> tuple[float, object]:
    """Best warm time of the search alone, on a table encoded once."""
    privacy = policy.privacy
    hierarchies = build_hierarchies(policy, frame)
    sensitive = {name: hierarchies.get(name) for name in sensitive_names(privacy)}
    table = encode_table(frame, hierarchies, policy.quasi_identifiers, sensitive)
    criteria = build_criteria(privacy, table.sensitive)
    limit = math.floor(privacy.max_suppression * table.rows)
    best, found = math.inf, None
    for _ in range(WARM_RUNS):
        started = time.perf_counter()
        found = optimal_search(table, criteria, make_metric(privacy.metric, table), limit)
        best = min(best, time.perf_counter() - started)
    return best, found


def arx_cases() -> None:
    adult = load_adult()
    print("ARX 3.9.2 reference cases on Adult (search only, best of %d warm runs)" % WARM_RUNS)
    print(f"{'case':28} {'ours ms':>8} {'ARX ms':>7} {'ratio':>6} {'nodes':>6} {'whole call ms':>13}  optimum")
    for name, privacy, quasi, sensitive, expected, arx_ms in ARX_CASES:
        policy = policy_for(adult_fields(quasi, sensitive), privacy)
        seconds, found = search_seconds(adult, policy)
        started = time.perf_counter()
        result = anonymize_quasi_identifiers(adult, policy)
        whole = time.perf_counter() - started
        match = "matches ARX" if list(found.levels) == expected else f"DIFFERS from ARX {expected}"
        print(
            f"{name:28} {seconds * 1e3:8.1f} {arx_ms:7d} {seconds * 1e3 / arx_ms:6.2f} {found.nodes_checked:6d} {whole * 1e3:13.1f}"
            f"  {list(found.levels)} loss {result.summary['information_loss']!r} suppressed {result.summary['suppressed_rows']} ({match})"
        )


def mondrian_case() -> None:
    adult = load_adult()
    quasi = [c for c in ADULT_QUASI_IDENTIFIERS if c != "salary-class"]
    policy = policy_for(adult_fields(quasi, None), {"k": 5, "algorithm": "mondrian"})
    best, result = math.inf, None
    for _ in range(3):
        started = time.perf_counter()
        result = anonymize_quasi_identifiers(adult, policy)
        best = min(best, time.perf_counter() - started)
    summary = result.summary
    print("\nMondrian on Adult, k=5, anonypy's setup (8 quasi-identifiers, age numeric)")
    print(f"  ours:    {best:.3f} s, discernibility {summary['information_loss']:,.0f}, {summary['equivalence_classes']:,} classes, min class {summary['min_class_size']}")
    print(f"  anonypy: {ANONYPY_SECONDS:.1f} s, discernibility {ANONYPY_DISCERNIBILITY:,}, {ANONYPY_CLASSES:,} classes")
    print(f"  ratio:   time {best / ANONYPY_SECONDS:.4f}, discernibility {summary['information_loss'] / ANONYPY_DISCERNIBILITY:.3f}")


def scale_table(rows: int, seed: int = 20240501) -> pd.DataFrame:
    """A census-like table: Adult's categorical marginals, skewed ages and zip codes, visit dates."""
    rng = np.random.default_rng(seed)
    adult = load_adult()
    frame = pd.DataFrame(
        {
            column: adult[column].to_numpy()[rng.integers(0, len(adult), rows)]
            for column in ("sex", "race", "marital-status", "education", "occupation")
        }
    )
    frame.insert(0, "age", np.clip(rng.normal(41, 14, rows).round(), 17, 94).astype(np.int64))
    zips = np.char.zfill(rng.choice(900, rows, p=_zipf(900, rng)).astype(str), 3)
    frame.insert(2, "zip", np.char.add(np.char.add("1", zips), "0"))
    frame["visit"] = (pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 730, rows), unit="D")).strftime("%Y-%m-%d")
    return frame


def _zipf(n: int, rng: np.random.Generator) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** 0.9
    rng.shuffle(weights)
    return weights / weights.sum()


def scale_policy() -> Policy:
    fields = {
        "age": {"class": "quasi_identifier", "hierarchy": {"intervals": list(range(15, 100, 5))}},
        "zip": {"class": "quasi_identifier", "hierarchy": {"prefix": [4, 3, 2]}},
        "visit": {"class": "quasi_identifier", "hierarchy": {"dates": ["month", "year", "*"]}},
    }
    for column in ("sex", "race", "marital-status", "education", "occupation"):
        fields[column] = {"class": "quasi_identifier", "hierarchy": {"table": str(adult_hierarchy_path(column))}}
    return policy_for(fields, {"k": 10, "max_suppression": 0.04, "metric": "non_uniform_entropy"})


def scale_run(rows: int) -> None:
    """One scale measurement in this process; prints one tab-separated line for the parent."""
    frame = scale_table(rows)
    policy = scale_policy()
    started = time.perf_counter()
    result = anonymize_quasi_identifiers(frame, policy)
    whole = time.perf_counter() - started
    distinct = len(frame[policy.quasi_identifiers].drop_duplicates())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = result.summary
    print(f"{rows}\t{distinct}\t{summary['nodes_checked']}\t{summary['search_seconds']}\t{whole}\t{peak}\t{summary['transformation']}")


def scale() -> None:
    print("\nScale: generated table, 8 quasi-identifiers, k=10, 4% suppression, non_uniform_entropy (fresh process per size)")
    print(f"{'rows':>9} {'distinct tuples':>15} {'nodes checked':>13} {'search s':>8} {'engine s':>8} {'peak RSS MB':>11}  optimum")
    seconds = {}
    for rows in (100_000, 1_000_000):
        line = subprocess.run([sys.executable, __file__, "--scale", str(rows)], check=True, capture_output=True, text=True).stdout
        n, distinct, nodes, search, whole, peak, levels = line.strip().split("\t")
        seconds[int(n)] = float(whole)
        print(f"{int(n):9,} {int(distinct):15,} {int(nodes):13,} {float(search):8.2f} {float(whole):8.2f} {float(peak):11.0f}  {levels}")
        if int(n) == 1_000_000:
            print(f"  targets: {SCALE_SECONDS:.0f} s and {SCALE_RSS_MB} MB; ratios {float(whole) / SCALE_SECONDS:.2f} and {float(peak) / SCALE_RSS_MB:.2f}")
    print(f"  growth 100k -> 1M rows: time x{seconds[1_000_000] / seconds[100_000]:.1f}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--scale":
        scale_run(int(sys.argv[2]))
    else:
        arx_cases()
        mondrian_case()
        scale()
