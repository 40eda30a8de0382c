"""A synthetic table from a policy: split off a hold-out, fit, sample, evaluate, judge.

The same function runs in the Python API, the CLI and the Dagster asset. The hold-out never
reaches the model: it is the real data the privacy scores compare against.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from importlib.metadata import version
from typing import Any

import numpy as np
import pandas as pd

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.io import table_fingerprint
from anonymization_pipeline.core.pipeline.classification import classify_fields
from anonymization_pipeline.core.pipeline.stage_output import StageOutput
from anonymization_pipeline.core.pipeline.stages import candidate_sha256, release_gate
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.policy.synthetic import Synthetic
from anonymization_pipeline.core.synthetic.budget import charge_privacy_budget
from anonymization_pipeline.core.synthetic.columns import read_column
from anonymization_pipeline.core.synthetic.evaluation import TargetResult, evaluate, judge
from anonymization_pipeline.core.synthetic.identifiers import identifier_treatment, regenerate
from anonymization_pipeline.core.synthetic.model import SyntheticModel, fit_model

MIN_ROWS = 20
MAX_DISTINCT_SHARE = 0.5
"""A modelled category with more distinct values than this share of (at least 100) rows is an
identifier in disguise: sampling it would replay people's values."""


@dataclass(frozen=True)
class SyntheticCandidate:
    """A synthetic table, its evaluation and the verdict on each target; not yet published."""

    data: pd.DataFrame
    report: dict[str, Any]
    checks: list[TargetResult]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> list[str]:
        return [check.describe() for check in self.checks if not check.passed]

    @property
    def candidate_sha256(self) -> str:
        return self.report["candidate_sha256"]

    def gate(self) -> None:
        """Write–audit–publish: raise PrivacyTargetNotMet unless this very table passed."""
        release_gate(StageOutput(self.data), self)


@dataclass(frozen=True)
class SyntheticResult:
    data: pd.DataFrame
    report: dict[str, Any]


def synthesize(frame: pd.DataFrame, policy: Policy, rows: int | None = None, seed: int | None = None) -> SyntheticResult:
    """A synthetic table that met every target of `policy.synthetic`, and its report.

    Raises PrivacyTargetNotMet when a target is not met: nothing unproven is ever returned.

    >>> result = synthesize(load_adult(), Policy.from_yaml("examples/synthetic/adult.yaml"), seed=7)  # doctest: +SKIP
    >>> result.report["evaluation"]["quality"]["pair_trends"] >= 0.95  # doctest: +SKIP
    True
    """
    candidate = build_candidate(frame, policy, rows, seed)
    candidate.gate()
    return SyntheticResult(candidate.data, candidate.report)


def build_candidate(frame: pd.DataFrame, policy: Policy, rows: int | None = None, seed: int | None = None) -> SyntheticCandidate:
    """Fit, sample and evaluate; the verdict is in the candidate, nothing is raised for it."""
    settings = _settings(policy)
    started = time.perf_counter()
    classification = classify_fields(list(frame.columns), policy)
    treatment = identifier_treatment(policy)
    modelled = [name for name in frame.columns if name in policy.fields and name not in treatment]
    _check_input(frame, modelled, settings)
    seed = int(np.random.SeedSequence().entropy % 2**63) if seed is None else seed
    rows = rows or settings.rows or len(frame)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(frame))
    held = max(1, int(round(len(frame) * settings.holdout)))
    holdout, training = frame.iloc[order[:held]][modelled], frame.iloc[order[held:]][modelled]
    charge = charge_privacy_budget(policy.dataset.name, settings.epsilon) if settings.epsilon is not None else None
    model = fit_model(training.reset_index(drop=True), settings, rng)
    fitted = time.perf_counter()
    sampled = model.sample(rows, rng)
    regenerated = [name for name, how in treatment.items() if how == "regenerated"]
    columns = {name: sampled[name] for name in modelled} | regenerate(policy, regenerated, rows, rng)
    data = pd.DataFrame({name: columns[name] for name in frame.columns if name in columns})
    drawn = time.perf_counter()
    evaluation = evaluate(training, holdout, sampled, settings.utility_target, seed)
    checks = judge(evaluation, settings.targets)
    report = {
        "tool": {"name": "anonymization_pipeline", "version": version("anonymization_pipeline")},
        "dataset": policy.dataset.name,
        "policy_sha256": policy.sha256(),
        "status": "published" if all(c.passed for c in checks) else "not_published",
        "output": None,
        "method": settings.method,
        "seed": seed,
        "rows": {"rows_in": len(frame), "rows_training": len(training), "rows_holdout": held, "rows_published": rows},
        "input": table_fingerprint(frame),
        "columns": _column_report(model, treatment, classification["dropped_unlisted"]),
        "structure": model.describe(),
        "privacy_budget": None if charge is None else asdict(charge),
        "evaluation": _rounded(asdict(evaluation)),
        "targets": [_rounded(asdict(check)) for check in checks],
        "failures": [check.describe() for check in checks if not check.passed],
        "candidate_sha256": candidate_sha256(StageOutput(data)),
        "timings": {
            "fit": round(fitted - started, 4),
            "sample": round(drawn - fitted, 4),
            "evaluate": round(time.perf_counter() - drawn, 4),
        },
    }
    return SyntheticCandidate(data, report, checks)


def _settings(policy: Policy) -> Synthetic:
    if policy.synthetic is None:
        raise ConfigurationError("this policy has no 'synthetic' section; add one to synthesize (see README, Synthetic data)")
    return policy.synthetic


def _check_input(frame: pd.DataFrame, modelled: list[str], settings: Synthetic) -> None:
    if len(frame) < MIN_ROWS:
        raise InputDataError(f"synthesis needs at least {MIN_ROWS} input rows to keep a hold-out; the input has {len(frame)}")
    if not modelled:
        raise ConfigurationError("synthetic: every listed field is a direct identifier; nothing is left to model")
    target = settings.utility_target
    if target is not None and (target not in modelled or len(modelled) < 2):
        raise ConfigurationError(f"synthetic.utility_target: '{target}' must be a modelled field (not a direct identifier) beside at least one other")
    for name in modelled:
        distinct = frame[name].nunique()
        if len(frame) >= 100 and distinct > MAX_DISTINCT_SHARE * len(frame) and not _numeric_like(frame[name]):
            raise InputDataError(
                f"column '{name}' has {distinct} distinct values in {len(frame)} rows, like an identifier: "
                "classify it as direct_identifier (dropped, or regenerated with method fake)"
            )


def _numeric_like(series: pd.Series) -> bool:
    return read_column(series).kind != "category"


def _column_report(model: SyntheticModel, treatment: dict[str, str], dropped_unlisted: list[str]) -> dict[str, dict[str, Any]]:
    columns: dict[str, dict[str, Any]] = {
        column.values.name: {"treatment": "modelled", "kind": column.values.kind, "codes": column.cardinality}
        for column in model.columns
    }
    columns |= {name: {"treatment": how} for name, how in treatment.items()}
    columns |= {name: {"treatment": "dropped_unlisted"} for name in dropped_unlisted}
    return columns


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value
