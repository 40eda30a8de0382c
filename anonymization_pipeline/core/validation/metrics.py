"""Great Expectations metrics behind our custom expectations (pandas engine).

Each metric returns counts and figures only, never a value of the data, so that no validation
result or data-docs page can show a quasi-identifier of an unsafe row or a raw identifier. The
privacy criteria are the registry's (`core.privacy.criteria`) over the class counts the
assessment computed once, and the leak counts are its scan of every published column (`leak_scan`),
both handed over by handle (`handles`). Defining the classes registers them with Great Expectations.
"""

from __future__ import annotations

from typing import Any

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError
from anonymization_pipeline.core.validation.handles import LEAK_SCAN, MEASUREMENT, held_by
from anonymization_pipeline.core.validation.leak_scan import ScanFailure


class PrivacyCriterionVerdict(TableMetricProvider):
    """One registered criterion judged on the published classes the assessment regrouped (the
    handle names them): the registry's per-class verdict, counts only."""

    metric_name = "table.privacy_criterion"
    value_keys = ("measurement", "criterion")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration) -> dict[str, Any]:
        measurement = held_by(metric_value_kwargs["measurement"], MEASUREMENT)
        result = next(r for r in measurement.results() if r.criterion == metric_value_kwargs["criterion"])
        figures = result.model_dump(exclude={"description", "unmet", "attribute", "criterion", "achieved_key"})
        return figures | {"suppressed_rows": measurement.classes.suppressed_rows}


class RawIdentifierMatches(TableMetricProvider):
    """Rows of one published column holding a raw identifier, whole or as a digit run or e-mail local part."""

    metric_name = "table.raw_identifier_matches"
    value_keys = ("column", "leak_scan")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration) -> dict[str, Any]:
        scan = held_by(metric_value_kwargs["leak_scan"], LEAK_SCAN)
        column = metric_value_kwargs["column"]
        if column not in scan:
            raise ConfigurationError(f"column '{column}' was not scanned for raw identifiers")
        if isinstance(scan[column], ScanFailure):
            raise InputDataError(f"column '{column}' could not be scanned for raw identifiers ({scan[column].error})")
        return scan[column]
