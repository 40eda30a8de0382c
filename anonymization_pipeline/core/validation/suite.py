"""The publication suite: the Great Expectations checks a table must pass before it is published.

Run in-process in an ephemeral context (nothing is written unless data docs are asked for),
progress bars off. Results are reduced to counts (`statistics`): no result, and no data-docs
page, holds a value of the data, and the digest key stays in memory.
"""

from __future__ import annotations

import operator
from contextlib import nullcontext
from functools import reduce
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

from anonymization_pipeline.core.errors import KeyMaterialError
from anonymization_pipeline.core.policy.model import Policy
from anonymization_pipeline.core.privacy.measurement import Measurement, measure_published
from anonymization_pipeline.core.validation.expectations import ExpectColumnValuesToNotContainRawIdentifiers, ExpectPrivacyCriterion
from anonymization_pipeline.core.validation.handles import LEAK_SCAN, MEASUREMENT, handed_over
from anonymization_pipeline.core.validation.identifier_digests import DigestSet, IdentifierDigests
from anonymization_pipeline.core.validation.leak_scan import leak_scan
from anonymization_pipeline.core.validation.published_source import PublishedFrameSource  # noqa: F401 - defining it registers add_published_frame

DOCS_SITE = "anonymization"
COUNTS = "BASIC"
BOOLEAN_ONLY = "BOOLEAN_ONLY"


@dataclass(frozen=True)
class ValidationOutcome:
    """Whether every expectation passed, and per expectation {expectation, criterion, columns, success, statistics}."""

    passed: bool
    results: list[dict[str, Any]]
    docs_index: Path | None = None


def expected_columns(policy: Policy) -> list[str]:
    """The published schema: every policy field that is not dropped, in policy order."""
    return [name for name, field in policy.fields.items() if field.effective_method != "drop"]


def expected_rows(policy: Policy, rows_in: int, suppressed_rows: int) -> int:
    """Rows out: suppressed rows are removed only under `suppression: remove` (masked ones stay)."""
    removes = policy.privacy is not None and policy.privacy.suppression == "remove"
    return rows_in - suppressed_rows if removes else rows_in


def build_expectations(
    policy: Policy, columns: list[str], rows: int, scan_handle: str | None, measurement: Measurement | None = None, measurement_id: str | None = None
) -> list:
    """The suite's expectations for a published table with `columns`: one per privacy criterion
    of the measurement (handed over as `measurement_id`), one per column of the leak scan (handed
    over as `scan_handle`)."""
    expectations: list = [
        gx.expectations.ExpectTableColumnsToMatchSet(column_set=expected_columns(policy), exact_match=True, result_format=COUNTS),
        gx.expectations.ExpectTableRowCountToEqual(value=rows, result_format=COUNTS),
    ]
    if measurement is not None:
        for criterion in measurement.criteria:
            expectations.append(
                ExpectPrivacyCriterion(
                    column_list=policy.quasi_identifiers, criterion=criterion.section, measurement=measurement_id, result_format=COUNTS
                )
            )
    if scan_handle is not None:
        for name in columns:
            expectations.append(ExpectColumnValuesToNotContainRawIdentifiers(column=name, leak_scan=scan_handle, result_format=COUNTS))
    return expectations


def _statistics(result: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Numbers from a result; lists become their length; text (names, values) is dropped."""
    figures: dict[str, Any] = {}
    for key, value in result.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool) or isinstance(value, (int, float)):
            figures[name] = value
        elif isinstance(value, (list, tuple, set)):
            figures[f"{name}_count"] = len(value)
        elif isinstance(value, dict):
            figures.update(_statistics(value, f"{name}."))
    return figures


def _raised(exception_info: dict[str, Any]) -> bool:
    """Whether an expectation's check raised: GX reports an expectation's own error at the top of
    `exception_info` and a metric's error under the metric's id."""
    nested = (info for info in exception_info.values() if isinstance(info, dict))
    return bool(exception_info.get("raised_exception")) or any(bool(info.get("raised_exception")) for info in nested)


def _criterion(configuration: dict[str, Any]) -> str | None:
    return configuration.get("kwargs", {}).get("criterion")


def _columns(configuration: dict[str, Any]) -> list[str]:
    kwargs = configuration.get("kwargs", {})
    if "column_list" in kwargs:
        return list(kwargs["column_list"])
    return [kwargs["column"]] if "column" in kwargs else []


def _context(docs_dir: Path | None):
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is not None:
        context.add_data_docs_site(
            DOCS_SITE,
            {
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(Path(docs_dir).absolute())},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def validate_published(
    frame: pd.DataFrame,
    policy: Policy,
    *,
    rows_in: int,
    suppressed_rows: int,
    raw_identifier_digests: dict[str, IdentifierDigests] | None = None,
    digest_key: bytes | None = None,
    docs_dir: Path | None = None,
    measurement: Measurement | None = None,
) -> ValidationOutcome:
    """Run the publication suite on `frame`; write data docs to `docs_dir` when given.

    `raw_identifier_digests` maps each direct-identifier column of the input to the keyed digests
    of its values (`identifier_digests(column, digest_key)`); every published column is checked
    against all of them. `measurement` is the assessment's regrouping of `frame` (made here,
    against `frame` itself, when not given).

    >>> outcome = validate_published(frame, policy, rows_in=len(raw), suppressed_rows=0,
    ...     raw_identifier_digests={"email": identifier_digests(raw["email"], key)}, digest_key=key)  # doctest: +SKIP
    """
    if raw_identifier_digests is not None and digest_key is None:
        raise KeyMaterialError("raw identifier digests were given without the key that made them")
    context = _context(docs_dir)
    batch = (
        context.data_sources.add_published_frame("published")
        .add_dataframe_asset(policy.dataset.name)
        .add_batch_definition_whole_dataframe("whole table")
    )
    scan = None
    if raw_identifier_digests:
        union = reduce(operator.or_, raw_identifier_digests.values(), IdentifierDigests())
        scan = leak_scan(frame, DigestSet(union, digest_key))
    if measurement is None and policy.privacy is not None:
        measurement = measure_published(frame, policy)
    with (
        handed_over(LEAK_SCAN, scan) if scan is not None else nullcontext(None) as handle,
        handed_over(MEASUREMENT, measurement) if measurement is not None else nullcontext(None) as measured,
    ):
        suite = context.suites.add(gx.ExpectationSuite(name=f"{policy.dataset.name}.publish"))
        rows = expected_rows(policy, rows_in, suppressed_rows)
        for expectation in build_expectations(policy, list(frame.columns), rows, handle, measurement, measured):
            suite.add_expectation(expectation)
        definition = context.validation_definitions.add(gx.ValidationDefinition(name="publish", data=batch, suite=suite))
        run = definition.run(batch_parameters={"dataframe": frame})
    results = []
    for result in run.results:
        described = result.to_json_dict()
        configuration = described.get("expectation_config") or {}
        results.append(
            {
                "expectation": configuration.get("type"),
                "criterion": _criterion(configuration),
                "columns": _columns(configuration),
                "success": bool(result.success),
                "statistics": _statistics(described.get("result") or {}),
                "raised_exception": _raised(described.get("exception_info") or {}),
            }
        )
    docs_index = None
    if docs_dir is not None:
        context.build_data_docs(site_names=[DOCS_SITE])
        docs_index = Path(docs_dir) / "index.html"
    return ValidationOutcome(passed=all(r["success"] for r in results), results=results, docs_index=docs_index)
