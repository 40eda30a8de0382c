"""The pipeline's stages as plain functions: each Dagster asset calls exactly one of these.

Each data stage takes the previous StageOutput and returns the next, adding its own audit record
(counts, names, timings; never a value). The same functions run in the Python API, the CLI and
Dagster, so what the UI shows is what a notebook gets.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from anonymization_pipeline.core.errors import InputDataError, PrivacyTargetNotMet
from anonymization_pipeline.core.io import AnyLocation, describe_location, table_fingerprint
from anonymization_pipeline.core.io.daily_inputs import day_location, parse_day
from anonymization_pipeline.core.io.fingerprint import update_with_content
from anonymization_pipeline.core.operators import OperatorContext, get_operator
from anonymization_pipeline.core.pipeline.report_model import Assessment
from anonymization_pipeline.core.pipeline.stage_output import StageOutput
from anonymization_pipeline.core.policy import FieldClass, Policy
from anonymization_pipeline.core.threads import map_in_threads

if TYPE_CHECKING:
    from anonymization_pipeline.core.keys import KeyProvider

RAW_RECORDS = "raw_records"
IDENTIFIERS_PROTECTED = "identifiers_protected"
QUASI_IDENTIFIERS_GENERALIZED = "quasi_identifiers_generalized"
SENSITIVE_PROTECTED = "sensitive_protected"


def ingest(frame: pd.DataFrame, policy: Policy, source: str, fingerprint_key: bytes | None = None) -> StageOutput:
    """Start the audit trail with what came in (with a keyed content digest when a key is given);
    empty input stops here."""
    if frame.empty:
        raise InputDataError(f"the input {source} has no rows")
    audit = {
        "dataset": policy.dataset.name,
        "source": source,
        "rows": len(frame),
        "fingerprint": table_fingerprint(frame, fingerprint_key),
    }
    return StageOutput(frame, {RAW_RECORDS: audit})


def union_of_days(
    days: Mapping[str, StageOutput],
    policy: Policy,
    location: AnyLocation,
    fingerprint_key: bytes | None = None,
    expired: Sequence[str] = (),
) -> StageOutput:
    """The days read so far, oldest first, as one input: the privacy search and the risk
    assessment must see everything published together, since k-anonymity holds for a whole
    release and never for one day's slice of it. `expired` days (past their retention) are
    named in the audit and left out.

    A stored day read for another dataset, or from another place than `location` names for that
    day (an input changed since), is refused: it would publish rows this policy never read.
    """
    if not days:
        if expired:
            raise InputDataError(f"every day read is past retention.daily_arrivals ({policy.retention.daily_arrivals})")
        raise InputDataError(
            "no day of the input has been read yet: materialize a daily_arrivals partition, or run with --date YYYY-MM-DD"
        )
    ordered = sorted(days)
    for day in ordered:
        _check_read_from(days[day], day, policy, location)
    columns = list(days[ordered[0]].frame.columns)
    for day in ordered[1:]:
        if set(days[day].frame.columns) != set(columns):
            raise InputDataError(
                f"the input of {day} has columns {sorted(map(str, days[day].frame.columns))}, "
                f"but {ordered[0]} has {sorted(map(str, columns))}"
            )
    frame = pd.concat([days[day].frame[columns] for day in ordered], ignore_index=True)
    records = ingest(frame, policy, f"{len(ordered)} days, {ordered[0]} to {ordered[-1]}", fingerprint_key)
    audit = records.audits[RAW_RECORDS] | {
        "days": {day: len(days[day].frame) for day in ordered},
        "days_expired": sorted(expired),
    }
    return StageOutput(frame, {RAW_RECORDS: audit})


def _check_read_from(stored: StageOutput, day: str, policy: Policy, location: AnyLocation) -> None:
    read = stored.audits.get(RAW_RECORDS, {})
    expected = describe_location(day_location(location, parse_day(day)))
    if read.get("dataset") != policy.dataset.name or read.get("source") != expected:
        raise InputDataError(
            f"the stored {day} was read from {read.get('source')} for dataset '{read.get('dataset')}', "
            f"not from {expected} for '{policy.dataset.name}': read the day again (--date {day})"
        )


def protect_identifiers(
    records: StageOutput, classification: Mapping[str, Any], policy: Policy, keys: KeyProvider | None
) -> StageOutput:
    """Apply the direct identifiers' operators and drop the unlisted columns."""
    started = time.perf_counter()
    frame = records.frame.drop(columns=classification["dropped_unlisted"])
    frame, applied = _apply_operators(frame, policy, policy.fields_of(FieldClass.DIRECT_IDENTIFIER), keys)
    audit = {
        "rows": len(frame),
        "classification": classification["fields"],
        "dropped_unlisted": classification["dropped_unlisted"],
        "applied": applied,
        "seconds": _since(started),
    }
    return records.then(IDENTIFIERS_PROTECTED, frame, audit)


def generalize_quasi_identifiers(records: StageOutput, policy: Policy) -> StageOutput:
    """Find and apply the generalization that meets the privacy targets with the least loss."""
    started = time.perf_counter()
    if not policy.quasi_identifiers:
        return records.then(QUASI_IDENTIFIERS_GENERALIZED, records.frame, {"rows": len(records.frame), "privacy": None})
    from anonymization_pipeline.core.privacy import anonymize_quasi_identifiers

    result = anonymize_quasi_identifiers(records.frame, policy)
    audit = {"rows": len(result.frame), "privacy": result.summary, "seconds": _since(started)}
    return records.then(QUASI_IDENTIFIERS_GENERALIZED, result.frame, audit)


def protect_sensitive(records: StageOutput, policy: Policy, keys: KeyProvider | None) -> StageOutput:
    """Protect sensitive and non-sensitive values after generalization, which needs them raw for l/t."""
    started = time.perf_counter()
    columns = policy.fields_of(FieldClass.SENSITIVE) + policy.fields_of(FieldClass.NON_SENSITIVE)
    frame, applied = _apply_operators(records.frame, policy, columns, keys)
    audit = {"rows": len(frame), "applied": applied, "seconds": _since(started)}
    return records.then(SENSITIVE_PROTECTED, frame, audit)


def assess(
    records: StageOutput, policy: Policy, raw: pd.DataFrame, docs_dir: Path | None = None, plots: bool = False
) -> Assessment:
    """Decide whether the candidate may be published: risk models, privacy targets, and the
    Great Expectations suite (schema, row reconciliation, k/l/t, no raw identifier leaked).

    The privacy criteria are measured once, on the candidate against the raw input's distributions
    (as the search measured them); the suite's criterion expectations check that same measurement,
    so their verdicts are listed once, as the assessment's. Raw identifiers are compared through
    keyed digests under a key that lives only for this call, so neither the suite nor its results
    can hold a raw value. The report's plots (SVG) are drawn only when asked for, by a caller that
    writes a report; `timings` says where the time went.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    with _timed(timings, "imports"):  # SciPy and Great Expectations: this stage's alone
        from anonymization_pipeline.core.risk import assess_risk
        from anonymization_pipeline.core.validation import identifier_digests, validate_published
    frame = records.frame
    privacy = records.audits.get(QUASI_IDENTIFIERS_GENERALIZED, {}).get("privacy")
    with _timed(timings, "risk_models"):
        risk = assess_risk(frame, policy, privacy, reference=raw)
    digest_key = os.urandom(32)
    identifiers = [name for name in policy.fields_of(FieldClass.DIRECT_IDENTIFIER) if name in raw.columns]
    accounting = row_accounting(records)
    with _timed(timings, "identifier_digests"):
        raw_digests = dict(zip(identifiers, map_in_threads(lambda name: identifier_digests(raw[name], digest_key), identifiers)))
    with _timed(timings, "validation_suite"):
        validation = validate_published(
            frame,
            policy,
            rows_in=accounting["rows_in"],
            suppressed_rows=accounting["rows_suppressed"],
            raw_identifier_digests=raw_digests,
            digest_key=digest_key,
            docs_dir=docs_dir,
            measurement=risk.measurement,
        )
    with _timed(timings, "linkage_attack"):
        attacks = linkage_attacks(policy, raw, frame, privacy)
    drawn: dict[str, str] = {}
    if plots:
        with _timed(timings, "plots"):
            drawn = _pandas_plots(policy, raw, frame, risk.summary, attacks)
    failures = risk.failures + [
        f"validation: {result['expectation']} failed" + (f" on {', '.join(result['columns'])}" if result["columns"] else "")
        for result in validation.results
        if not result["success"] and result["criterion"] is None
    ]
    with _timed(timings, "candidate_digest"):
        candidate = candidate_sha256(records)
    return Assessment(
        candidate_sha256=candidate,
        passed=risk.passed and validation.passed,
        failures=failures,
        risk=risk.summary | {"passed": risk.passed, "failures": risk.failures, "attack": attacks},
        validation={
            "passed": validation.passed,
            "results": validation.results,
            "data_docs": str(validation.docs_index) if validation.docs_index else None,
        },
        plots=drawn,
        seconds=_since(started),
        timings=timings,
    )


def report_plots(
    policy: Policy,
    before: Mapping[str, pd.Series],
    after: Mapping[str, pd.Series],
    risk_summary: Mapping[str, Any],
    attacks: Mapping[str, dict[str, Any]],
    information_loss: dict[str, float] | None,
) -> dict[str, str]:
    """The report's plots (SVG by name): class sizes, risk bands, per-column information loss,
    the `marginal_columns`' distributions before and after (their `value_counts`, by column), and
    the linkage attack. Only figures and counts come in, so both engines draw with this."""
    from anonymization_pipeline.core.reporting import risk_plots

    return risk_plots(
        dict(risk_summary),
        attacks=dict(attacks) or None,
        information_loss=information_loss,
        before=dict(before),
        after=dict(after),
        min_count=policy.privacy.k if policy.privacy and policy.privacy.k else 5,
    )


def marginal_columns(policy: Policy) -> list[str]:
    """The quasi-identifiers whose distributions the report plots before and after: the first four."""
    return policy.quasi_identifiers[:4]


def _pandas_plots(
    policy: Policy, raw: pd.DataFrame, candidate: pd.DataFrame, risk_summary: Mapping[str, Any], attacks: Mapping[str, dict[str, Any]]
) -> dict[str, str]:
    from anonymization_pipeline.core.reporting.information_loss import column_information_loss
    from anonymization_pipeline.core.reporting.plots import value_counts

    qis = policy.quasi_identifiers
    columns = [name for name in marginal_columns(policy) if name in raw.columns and name in candidate.columns]
    return report_plots(
        policy,
        {name: value_counts(raw[name]) for name in columns},
        {name: value_counts(candidate[name]) for name in columns},
        risk_summary,
        attacks,
        column_information_loss(raw, candidate, qis) if qis else None,
    )


def linkage_attacks(
    policy: Policy,
    raw: pd.DataFrame,
    candidate: pd.DataFrame,
    privacy: Mapping[str, Any] | None,
    raw_weights: np.ndarray | None = None,
    candidate_weights: np.ndarray | None = None,
) -> dict[str, dict[str, Any]]:
    """The policy's linkage attack against the raw input and against the candidate, for contrast,
    on the same sample of at most `sample_size` people of the external list.

    Correct matches are counted only when the ground-truth ids align row for row with the
    candidate (suppressed rows removed breaks the alignment, and then only matches are counted).
    With weights, `raw` and `candidate` are histograms of distinct rows over (at least) the attack
    columns, each row standing for that many records, as the Spark engine counts them: no row is
    one person, so neither side aligns with the ground truth and only matches are counted.
    """
    attack = policy.risk.linkage_attack
    if attack is None:
        return {}
    from anonymization_pipeline.core.io import read_table
    from anonymization_pipeline.core.privacy import build_hierarchies
    from anonymization_pipeline.core.risk import GroundTruth, run_linkage_attack

    external = read_table(attack.external)
    truth = attack.ground_truth
    raw_truth = published_truth = None
    if truth is not None and raw_weights is None:
        raw_truth = GroundTruth(raw[truth.input], external[truth.external])
        published_truth = raw_truth if candidate_weights is None and len(candidate) == len(raw) else None
    on, size = attack.columns, attack.sample_size
    levels = privacy["transformation"] if privacy else None
    hierarchies = build_hierarchies(policy, raw, names=list(on))
    return {
        "raw input": run_linkage_attack(
            raw, external, on, levels={name: 0 for name in on}, ground_truth=raw_truth, sample_size=size, weights=raw_weights
        ),
        "published": run_linkage_attack(
            candidate, external, on, hierarchies, levels, ground_truth=published_truth, sample_size=size, weights=candidate_weights
        ),
    }


def candidate_sha256(records: StageOutput) -> str:
    """A digest of the exact table an assessment judged, so no other table can pass under it."""
    digest = hashlib.sha256(json.dumps([list(map(str, records.frame.columns)), records.audits], default=str).encode())
    update_with_content(digest, records.frame)
    return digest.hexdigest()


class Verdict(Protocol):
    """What the release gate reads of a judgement: a risk `Assessment`, or a synthetic candidate's."""

    @property
    def candidate_sha256(self) -> str: ...

    @property
    def passed(self) -> bool: ...

    @property
    def failures(self) -> list[str]: ...


def release_gate(records: StageOutput, assessment: Verdict) -> None:
    """Write–audit–publish: nothing goes further unless this very table passed its assessment."""
    if assessment.candidate_sha256 != candidate_sha256(records):
        raise PrivacyTargetNotMet(
            "not published: the risk assessment was made for another table; materialize risk_assessment again"
        )
    if not assessment.passed:
        raise PrivacyTargetNotMet("not published: " + "; ".join(assessment.failures))


def row_accounting(records: StageOutput) -> dict[str, int]:
    """Every input row is published as is, published generalized, or suppressed by rule."""
    rows_in = records.audits[RAW_RECORDS]["rows"]
    privacy = records.audits.get(QUASI_IDENTIFIERS_GENERALIZED, {}).get("privacy") or {}
    suppressed = int(privacy.get("suppressed_rows", 0))
    return {
        "rows_in": rows_in,
        "rows_published": len(records.frame),
        "rows_suppressed": suppressed,
        "rows_generalized": rows_in - suppressed if privacy else 0,
    }


def _apply_operators(
    frame: pd.DataFrame, policy: Policy, columns: list[str], keys: KeyProvider | None
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    protected = frame.copy(deep=False)  # copy-on-write: replacing a column never touches `frame`
    applied = {}
    for name in columns:
        field = policy.fields[name]
        context = OperatorContext(field=name, keys=keys, frame=frame)
        outcome = get_operator(field.effective_method).operate(frame[name], field.params, context)
        _refuse_unreadable_values(name, field.effective_method, outcome.stats, len(frame))
        if outcome.column is None:
            protected = protected.drop(columns=[name])
        else:
            protected[name] = outcome.column
        applied[name] = {"method": field.effective_method, **outcome.stats}
    return protected, applied


UNREADABLE = {"non_numeric": "numbers", "unparseable": "dates"}


def _refuse_unreadable_values(name: str, method: str, stats: Mapping[str, Any], rows: int) -> None:
    """A numeric or date operator nulls what it cannot read; silently losing values (or a
    mistyped identifier column) is worse than stopping, so any such value stops the run."""
    for stat, kind in UNREADABLE.items():
        if stats.get(stat):
            raise InputDataError(
                f"column '{name}': {stats[stat]} of {rows} values are not {kind}, which method '{method}' needs"
            )


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 4)


@contextmanager
def _timed(timings: dict[str, float], part: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[part] = _since(started)
