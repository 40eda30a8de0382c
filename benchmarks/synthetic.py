"""Synthetic data benchmark: the issue's targets on Adult, and scale to a million rows.

Run `python benchmarks/synthetic.py` (about a minute: Adult with both methods, then 100,000 rows
of 15 columns) or `python benchmarks/synthetic.py --rows 1000000` for the full scale target.

Baseline, run in the same script: sampling every column independently from its observed values
(what a generator that keeps marginals only achieves, and the cheapest possible sampler). Each
method is timed as the whole `synthesize()` call a user makes (fit, sample, evaluation) and as the
model alone (fit + sample). Every score is re-computed by this script's own scorer, independent
of the package's (plain pandas, no shared code), so a mistake in one shows as a disagreement.
The scale run happens in a fresh process so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

from anonymization_pipeline.core.datasets import generate_users, load_adult
from anonymization_pipeline.core.dp import BudgetLedger
from anonymization_pipeline.core.policy.model import Policy
from anonymization_pipeline.core.synthetic import build_candidate, synthesize
from anonymization_pipeline.core.synthetic.model import fit_model

SEED = 7
ADULT_TARGETS = {
    "bayesian_network": {"quality": 0.93, "pair_trends": 0.95, "ml_utility": 0.80, "dcr_ratio": 1.0, "membership_auc": 0.55},
    "dp_marginals": {"quality": 0.85, "pair_trends": 0.90, "ml_utility": 0.78},
}
MODEL_SECONDS = 5.0
SCALE_SECONDS, SCALE_GB = 60.0, 4.0
USERS_COLUMNS = ["birth_date", "zipcode", "city", "diagnosis", "income", "purchase_count"]


def policy_for(columns: list[str], method: str, utility_target: str | None = None, gated: bool = True) -> Policy:
    """A policy keeping every column; `gated=False` sets no target (the scale run measures cost)."""
    location = {"format": "parquet", "path": "/bench/out.parquet"}
    synthetic = {"method": method, "utility_target": utility_target, "seed": SEED}
    if not gated:
        synthetic["targets"] = {"min_dcr_ratio": None, "max_unique_copy_ratio": None, "max_membership_auc": None}
    if method == "dp_marginals":
        synthetic |= {"epsilon": 1.0, "budget": {"epsilon": 1.0}}
    return Policy.model_validate(
        {
            "version": 1,
            "dataset": {"name": "bench", "input": location, "output": location},
            "fields": {c: {"class": "non_sensitive", "method": "keep"} for c in columns},
            "synthetic": synthetic,
        }
    )


def independent_columns(frame: pd.DataFrame, rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """The baseline: each column drawn on its own from its observed values."""
    return pd.DataFrame({c: frame[c].take(rng.integers(0, len(frame), rows)).reset_index(drop=True) for c in frame.columns})


def independent_scores(real: pd.DataFrame, synthetic: pd.DataFrame, numeric: list[str]) -> dict[str, float]:
    """SDMetrics' column shapes and pair trends, written again from their definitions."""

    def as_number(series: pd.Series) -> pd.Series:
        return pd.to_numeric(series, errors="coerce")

    def binned(series: pd.Series, reference: pd.Series) -> pd.Series:
        edges = np.histogram_bin_edges(as_number(reference).dropna(), bins=10)
        return pd.Series(np.clip(np.digitize(as_number(series), edges[1:-1]), 0, 9)).astype(str)

    shapes = []
    for c in real.columns:
        if c in numeric:
            shapes.append(1 - ks_2samp(as_number(real[c]).dropna(), as_number(synthetic[c]).dropna()).statistic)
        else:
            p = real[c].astype(str).value_counts(normalize=True)
            q = synthetic[c].astype(str).value_counts(normalize=True)
            shapes.append(1 - p.sub(q, fill_value=0).abs().sum() / 2)
    pairs = []
    for a, b in combinations(real.columns, 2):
        if a in numeric and b in numeric:
            rho = [as_number(f[a]).corr(as_number(f[b])) for f in (real, synthetic)]
            pairs.append(1 - abs(rho[1] - rho[0]) / 2)
            continue
        tables = []
        for frame in (real, synthetic):
            left = binned(frame[a], real[a]) if a in numeric else frame[a].astype(str).reset_index(drop=True)
            right = binned(frame[b], real[b]) if b in numeric else frame[b].astype(str).reset_index(drop=True)
            tables.append(pd.crosstab(left, right, normalize=True).stack())
        pairs.append(1 - tables[0].sub(tables[1], fill_value=0).abs().sum() / 2)
    shape, trend = float(np.mean(shapes)), float(np.mean(pairs))
    return {"column_shapes": shape, "pair_trends": trend, "quality": (shape + trend) / 2}


def adult_case(method: str) -> bool:
    adult = load_adult()
    policy = policy_for(list(adult.columns), method, "salary-class")
    started = time.perf_counter()
    candidate = build_candidate(adult, policy, seed=SEED, ledger=BudgetLedger("sqlite://"))  # a ledger of its own
    whole = time.perf_counter() - started
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    fit_model(adult, policy.synthetic, rng).sample(len(adult), rng)
    model_seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = independent_columns(adult, len(adult), rng)
    baseline_seconds = time.perf_counter() - started
    evaluation = candidate.report["evaluation"]
    measured = {
        "quality": evaluation["quality"]["score"],
        "pair_trends": evaluation["quality"]["pair_trends"],
        "ml_utility": evaluation["ml_utility"]["synthetic"],
        "dcr_ratio": evaluation["privacy"]["dcr_ratio"],
        "membership_auc": evaluation["privacy"]["membership_auc"],
    }
    ours = independent_scores(adult, candidate.data, ["age"])
    theirs = independent_scores(adult, baseline, ["age"])
    print(f"\nAdult, {method} (30,162 rows, seed {SEED}{', epsilon 1.0' if method == 'dp_marginals' else ''})")
    print(f"  fit + sample           {model_seconds:6.2f} s   (target ≤ {MODEL_SECONDS} s; independent sampling {baseline_seconds:.3f} s)")
    print(f"  whole synthesize()     {whole:6.2f} s   (of which evaluation {candidate.report['timings']['evaluate']:.2f} s)")
    ok = model_seconds <= MODEL_SECONDS
    for name, bound in ADULT_TARGETS[method].items():
        value = measured[name]
        passed = value <= bound if name == "membership_auc" else value >= bound
        ok &= passed
        relation = "≤" if name == "membership_auc" else "≥"
        print(f"  {name:<22} {value:6.4f}   (target {relation} {bound}) {'ok' if passed else 'MISSED'}")
    privacy = evaluation["privacy"]
    copies_ok = privacy["unique_copies_synthetic"] <= privacy["unique_copies_holdout"]
    ok &= copies_ok if method == "bayesian_network" else True
    print(
        f"  unique-row copies      {privacy['unique_copies_synthetic']:.4f} synthetic vs {privacy['unique_copies_holdout']:.4f} hold-out"
        f" {'ok' if copies_ok else 'MISSED'}"
    )
    print(f"  ml utility, trained on real: {evaluation['ml_utility']['real']:.4f}")
    print(
        f"  independent scorer: quality {ours['quality']:.4f}, pair trends {ours['pair_trends']:.4f}"
        f" (independent-columns baseline: {theirs['quality']:.4f}, {theirs['pair_trends']:.4f})"
    )
    return ok


def wide_frame(rows: int) -> pd.DataFrame:
    """15 columns of mixed kinds: Adult's nine resampled, six of the generated users' (a date,
    numbers, categories)."""
    rng = np.random.default_rng(SEED)
    adult = load_adult()
    frame = adult.iloc[rng.integers(0, len(adult), rows)].reset_index(drop=True)
    users = generate_users(rows, seed=SEED)[USERS_COLUMNS]
    return pd.concat([frame, users], axis=1)


def scale_case(rows: int) -> dict[str, float]:
    """Runs in its own process: build the frame, then one whole synthesize() call."""
    frame = wide_frame(rows)
    policy = policy_for(list(frame.columns), "bayesian_network", gated=False)
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    independent_columns(frame, rows, rng)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    result = synthesize(frame, policy, seed=SEED)
    whole = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    timings = result.report["timings"]
    quality = result.report["evaluation"]["quality"]
    return {"seconds": whole, "baseline": baseline, "peak_gb": peak_gb, **timings, "quality": quality["score"], "pair_trends": quality["pair_trends"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the 15-column scale run (target: 1000000)")
    parser.add_argument("--scale-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_only:
        print(json.dumps(scale_case(args.rows)))
        return 0
    ok = adult_case("bayesian_network") & adult_case("dp_marginals")
    child = subprocess.run(
        [sys.executable, __file__, "--rows", str(args.rows), "--scale-only"], capture_output=True, text=True, check=True
    )
    scale = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"\n{args.rows:,} rows × 15 columns, bayesian_network, whole synthesize()")
    print(
        f"  {scale['seconds']:6.2f} s (fit {scale['fit']:.2f}, sample {scale['sample']:.2f}, evaluate {scale['evaluate']:.2f});"
        f" target at 1,000,000 rows ≤ {SCALE_SECONDS:.0f} s"
    )
    print(f"  independent-columns baseline {scale['baseline']:.2f} s: ratio {scale['seconds'] / scale['baseline']:.1f}×")
    print(f"  peak RSS {scale['peak_gb']:.2f} GB (target ≤ {SCALE_GB} GB); quality {scale['quality']:.4f}, pair trends {scale['pair_trends']:.4f}")
    ok &= scale["seconds"] <= SCALE_SECONDS and scale["peak_gb"] <= SCALE_GB
    print("\nall targets met" if ok else "\nSOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
