"""The whole pipeline on Spark: the same stages, audit records, checks and report as the pandas
engine (`core.pipeline.run.anonymize`), with the rows kept in Spark.

What comes to the driver is bounded by distinct values, never by rows: the histogram of distinct
quasi-identifier tuples (for the search), the published classes as integers, collected a bounded
chunk of values at a time (`classes.measure_spark`, for the risk models and checks), one line of
operator counts per Arrow batch, and figures.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession

from anonymization_pipeline.core.errors import InputDataError, PrivacyTargetNotMet
from anonymization_pipeline.core.io import AnyLocation, describe_location
from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.pipeline.classification import classify_fields
from anonymization_pipeline.core.pipeline.publish import assessment_directory
from anonymization_pipeline.core.pipeline.report import build_report, write_report
from anonymization_pipeline.core.pipeline.report_model import Assessment, RunReport
from anonymization_pipeline.core.pipeline.stage_output import StageOutput
from anonymization_pipeline.core.pipeline.stages import (
    IDENTIFIERS_PROTECTED,
    QUASI_IDENTIFIERS_GENERALIZED,
    RAW_RECORDS,
    SENSITIVE_PROTECTED,
    linkage_attacks,
    marginal_columns,
    report_plots,
    row_accounting,
)
from anonymization_pipeline.core.policy import FieldClass, Policy
from anonymization_pipeline.core.risk.assessment import judge_measurement
from anonymization_pipeline.core.spark.checks import publication_checks
from anonymization_pipeline.core.spark.classes import measure_spark
from anonymization_pipeline.core.spark.errors import executor_errors
from anonymization_pipeline.core.spark.fingerprint import spark_fingerprint
from anonymization_pipeline.core.spark.generalization import SparkGeneralization, generalize
from anonymization_pipeline.core.spark.histogram import Histogram, histogram
from anonymization_pipeline.core.spark.leaks import raw_identifier_matches
from anonymization_pipeline.core.spark.protection import STATS, operator_stats, protect_columns
from anonymization_pipeline.core.spark.reading import read_location
from anonymization_pipeline.core.spark.writing import write_location


@dataclass(frozen=True)
class SparkResult:
    """The publishable rows (kept in Spark's memory: call `unpersist` when done with them), the
    report (the same dict as report.json), and the assessment it passed."""

    data: DataFrame
    report: dict[str, Any]
    assessment: Assessment
    distinct_tuples: int
    records: StageOutput = field(repr=False)
    cached: DataFrame = field(repr=False)

    def unpersist(self) -> None:
        """Release the published rows from Spark's memory and disk cache."""
        self.cached.unpersist()


def anonymize_spark(frame: DataFrame, policy: Policy, keys: KeyProvider | None = None, source: str = "a Spark DataFrame") -> SparkResult:
    """Run every stage on `frame`; raise PrivacyTargetNotMet (nothing returned) when a target is missed.

    >>> result = anonymize_spark(spark.read.parquet("users.parquet"), policy)  # doctest: +SKIP
    >>> result.report["privacy"]["k_achieved"] >= 5  # doctest: +SKIP
    True
    """
    result = _assessed(frame, policy, keys, source, plots=False)
    _gate(result)
    return result


def _assessed(frame: DataFrame, policy: Policy, keys: KeyProvider | None, source: str, plots: bool) -> SparkResult:
    with executor_errors():
        records, cached, generalization = _protect_and_generalize(frame, policy, keys, source)
        published = cached.drop(STATS)
        loss = generalization.information_loss if generalization else None
        assessment = assess_published(records, published, frame, policy, plots, loss)
    report = build_report(records, assessment, policy, output=None).to_dict()
    return SparkResult(published, report, assessment, generalization.distinct_tuples if generalization else 0, records, cached)


def _gate(result: SparkResult) -> None:
    """Write–audit–publish: a candidate that failed its assessment is released and refused."""
    if not result.assessment.passed:
        result.unpersist()
        raise PrivacyTargetNotMet("not published: " + "; ".join(result.assessment.failures))


def run_spark(
    spark: SparkSession, policy: Policy, source: AnyLocation, output: AnyLocation, report_dir: Path | None, keys: KeyProvider | None = None
) -> dict[str, Any]:
    """Read, anonymize, and publish atomically with its report; a rejection writes its report
    under `report_dir/assessments/<run id>` and raises PrivacyTargetNotMet, leaving the output as it was.

    >>> run_spark(spark_session(), policy, policy.dataset.input, policy.dataset.output, Path("reports"))  # doctest: +SKIP
    """
    return publish_spark(assess_spark(spark, policy, source, report_dir, keys), output, report_dir)


def assess_spark(
    spark: SparkSession, policy: Policy, source: AnyLocation, report_dir: Path | None, keys: KeyProvider | None = None
) -> SparkResult:
    """Read and anonymize, up to the assessment, publishing nothing: a caller (the Dagster asset)
    records the verdicts before the gate. A rejection writes its report under
    `report_dir/assessments/<run id>`."""
    result = _assessed(read_location(spark, source), policy, keys, describe_location(source), plots=report_dir is not None)
    if not result.assessment.passed and report_dir is not None:
        write_report(RunReport.model_validate(result.report), result.assessment.plots, assessment_directory(report_dir, uuid.uuid4().hex))
    return result


def publish_spark(result: SparkResult, output: AnyLocation, report_dir: Path | None) -> dict[str, Any]:
    """The write–audit–publish gate, then the atomic write and the report; raises
    PrivacyTargetNotMet, leaving the output as it was, when the assessment failed."""
    _gate(result)
    report = result.report | {"status": "published", "output": describe_location(output)}
    with executor_errors():
        write_location(result.data, output)
    result.unpersist()
    if report_dir is not None:
        write_report(RunReport.model_validate(report), result.assessment.plots, report_dir)
    return report


def _protect_and_generalize(
    frame: DataFrame, policy: Policy, keys: KeyProvider | None, source: str
) -> tuple[StageOutput, DataFrame, SparkGeneralization | None]:
    classification = classify_fields(list(frame.columns), policy)
    started = time.perf_counter()
    identifiers = policy.fields_of(FieldClass.DIRECT_IDENTIFIER)
    protected = _protected(frame.drop(*classification["dropped_unlisted"]), policy, identifiers, keys)
    rows_in = protected.count()
    if rows_in == 0:
        raise InputDataError(f"the input {source} has no rows")
    applied = operator_stats(protected) if identifiers else {}
    audits = {
        RAW_RECORDS: {"dataset": policy.dataset.name, "source": source, "rows": rows_in, "fingerprint": spark_fingerprint(frame, rows_in)},
        IDENTIFIERS_PROTECTED: {
            "rows": rows_in,
            "classification": classification["fields"],
            "dropped_unlisted": classification["dropped_unlisted"],
            "applied": applied,
            "seconds": _since(started),
        },
    }
    cached_identifiers, protected = protected, protected.drop(STATS)
    started = time.perf_counter()
    generalized = protected
    privacy = generalization = None
    if policy.quasi_identifiers:
        generalization = generalize(protected, policy)
        generalized, privacy = generalization.frame, generalization.summary
    rows_generalized = rows_in - (privacy["suppressed_rows"] if privacy and policy.privacy.suppression == "remove" else 0)
    audits[QUASI_IDENTIFIERS_GENERALIZED] = {"rows": rows_generalized, "privacy": privacy, "seconds": _since(started)}
    started = time.perf_counter()
    others = policy.fields_of(FieldClass.SENSITIVE) + policy.fields_of(FieldClass.NON_SENSITIVE)
    published = _protected(generalized, policy, others, keys)
    rows_published = published.count()
    applied = operator_stats(published) if others else {}
    cached_identifiers.unpersist()
    audits[SENSITIVE_PROTECTED] = {"rows": rows_published, "applied": applied, "seconds": _since(started)}
    return StageOutput(_rows_only(rows_published), audits), published, generalization


def _protected(frame: DataFrame, policy: Policy, columns: list[str], keys: KeyProvider | None) -> DataFrame:
    """The operators of `columns` applied, kept in memory (spilling to disk) for the stages that read it again."""
    if columns:
        frame = protect_columns(frame, policy, columns, keys)
    return frame.persist(StorageLevel.MEMORY_AND_DISK)


def _rows_only(rows: int) -> pd.DataFrame:
    """A frame with `rows` rows and no columns (a RangeIndex costs nothing): the audit trail's
    row accounting reads `len(records.frame)`, and the rows themselves stay in Spark."""
    return pd.DataFrame(index=pd.RangeIndex(rows))


def assess_published(
    records: StageOutput,
    published: DataFrame,
    raw: DataFrame,
    policy: Policy,
    plots: bool = False,
    information_loss: dict[str, float] | None = None,
) -> Assessment:
    """The risk assessment and the publication checks of `published`, from Spark's counts: the
    same model, linkage attack and (when asked for) plots as `stages.assess`, the information loss
    plotted being the generalization's (`SparkGeneralization`). Its digest is of the class-count
    histogram the verdict was reached on."""
    started = time.perf_counter()
    privacy = records.audits[QUASI_IDENTIFIERS_GENERALIZED]["privacy"]
    marginals = [name for name in marginal_columns(policy) if name in published.columns and name in raw.columns] if plots else []
    measured = measure_spark(published, policy, marginals)
    risk = judge_measurement(measured.measurement, policy, measured.rows, measured.class_frame, privacy)
    attacks = _linkage_attacks(policy, raw, published, privacy)
    identifiers = [name for name in policy.fields_of(FieldClass.DIRECT_IDENTIFIER) if name in raw.columns]
    accounting = row_accounting(records)
    results = publication_checks(
        policy,
        list(published.columns),
        accounting["rows_published"],
        accounting["rows_in"],
        accounting["rows_suppressed"],
        risk.summary,
        raw_identifier_matches(raw, identifiers, published),
    )
    drawn = _plots(policy, raw, measured.marginals, risk.summary, attacks, information_loss) if plots else {}
    validation_passed = all(result["success"] for result in results)
    failures = risk.failures + [
        f"validation: {result['expectation']} failed" + (f" on {', '.join(result['columns'])}" if result["columns"] else "")
        for result in results
        if not result["success"] and result.get("criterion") is None
    ]
    return Assessment(
        candidate_sha256=measured.sha256,
        passed=risk.passed and validation_passed,
        failures=failures,
        risk=risk.summary | {"passed": risk.passed, "failures": risk.failures, "attack": attacks},
        validation={"passed": validation_passed, "results": results, "data_docs": None},
        plots=drawn,
        seconds=_since(started),
    )


def _linkage_attacks(policy: Policy, raw: DataFrame, published: DataFrame, privacy: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The pandas engine's attack (`stages.linkage_attacks`) on the histograms of the raw and the
    published rows over the attack's columns (a column either lacks is left for the attack to
    name): only matches are counted, since no histogram row is one person to check a ground truth against."""
    attack = policy.risk.linkage_attack
    if attack is None:
        return {}
    raw_counts = histogram(raw, [name for name in attack.columns if name in raw.columns])
    published_counts = histogram(published, [name for name in attack.columns if name in published.columns])
    return linkage_attacks(policy, raw_counts.frame, published_counts.frame, privacy, raw_counts.counts, published_counts.counts)


def _plots(
    policy: Policy,
    raw: DataFrame,
    published: dict[str, Histogram],
    risk_summary: dict[str, Any],
    attacks: dict[str, dict[str, Any]],
    information_loss: dict[str, float] | None,
) -> dict[str, str]:
    """The pandas engine's plots (`stages.report_plots`), the marginals from value counts: one
    group-by per key column of the raw rows, and the published ones counted with the classes."""
    before = {name: histogram(raw, [name]).value_counts(name) for name in published}
    after = {name: counts.value_counts(name) for name, counts in published.items()}
    return report_plots(policy, before, after, risk_summary, attacks, information_loss)


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 4)
