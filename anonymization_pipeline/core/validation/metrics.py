"""Great Expectations metrics behind our custom expectations (pandas engine).

Each metric returns counts and figures only, never a value of the data, so that no validation
result or data-docs page can show a quasi-identifier of an unsafe row or a raw identifier. The
computations are the vectorised ones of the risk package. Defining the classes registers them
with Great Expectations.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider
from pydantic import TypeAdapter

from anonymization_pipeline.core.policy.model import HierarchySpec, TableHierarchy
from anonymization_pipeline.core.privacy.hierarchies import derive_hierarchy, read_table_hierarchy
from anonymization_pipeline.core.risk import closeness, diversity
from anonymization_pipeline.core.risk.classes import equivalence_classes
from anonymization_pipeline.core.risk.hierarchy_tables import present_values
from anonymization_pipeline.core.validation.identifier_digests import leak_findings, registered


def _table(execution_engine: PandasExecutionEngine, metric_domain_kwargs: dict) -> pd.DataFrame:
    frame, _, _ = execution_engine.get_compute_domain(domain_kwargs=metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE)
    return frame


class QuasiIdentifierClassSizes(TableMetricProvider):
    """Class counts over the quasi-identifiers; suppressed rows (all `*`) are left out, as in ARX."""

    metric_name = "table.quasi_identifier_class_sizes"
    value_keys = ("column_list", "k")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration) -> dict[str, Any]:
        frame = _table(execution_engine, metric_domain_kwargs)
        classes = equivalence_classes(frame, list(metric_value_kwargs["column_list"]))
        small = classes.sizes < metric_value_kwargs["k"]
        return {
            "rows": len(frame),
            "suppressed_rows": classes.suppressed_rows,
            "classes": classes.count,
            "min_class_size": int(classes.sizes.min()) if classes.count else 0,
            "classes_below_k": int(small.sum()),
            "rows_in_classes_below_k": int(classes.sizes[small].sum()),
        }


class SensitiveDiversity(TableMetricProvider):
    """Per-class l of one variant on a sensitive attribute, counted against the target l."""

    metric_name = "table.sensitive_attribute_diversity"
    value_keys = ("column_list", "attribute", "l", "variant", "c")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration) -> dict[str, Any]:
        frame = _table(execution_engine, metric_domain_kwargs)
        classes = equivalence_classes(frame, list(metric_value_kwargs["column_list"]))
        counts = diversity.sensitive_counts(classes.row_class, frame[metric_value_kwargs["attribute"]], classes.count)
        variant = metric_value_kwargs["variant"]
        if variant == "distinct":
            per_class = diversity.distinct_l(counts)
        elif variant == "entropy":
            per_class = diversity.entropy_l(counts)
        else:
            per_class = diversity.recursive_l(counts, metric_value_kwargs["c"])
        below = per_class + 1e-12 < metric_value_kwargs["l"]
        return {
            "classes": classes.count,
            "l_achieved": diversity.smallest(per_class),
            "classes_below_l": int(below.sum()),
            "rows_in_classes_below_l": int(classes.sizes[below].sum()),
        }


class SensitiveCloseness(TableMetricProvider):
    """Largest distance of a class's sensitive distribution from the table's."""

    metric_name = "table.sensitive_attribute_closeness"
    value_keys = ("column_list", "attribute", "distance", "hierarchy")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration) -> dict[str, Any]:
        frame = _table(execution_engine, metric_domain_kwargs)
        classes = equivalence_classes(frame, list(metric_value_kwargs["column_list"]))
        counts = diversity.sensitive_counts(classes.row_class, frame[metric_value_kwargs["attribute"]], classes.count)
        distance = metric_value_kwargs["distance"]
        if distance == "equal":
            achieved = closeness.equal_distance(counts)
        elif distance == "ordered":
            achieved = closeness.ordered_distance(counts)
        else:
            attribute = metric_value_kwargs["attribute"]
            spec = TypeAdapter(HierarchySpec).validate_python(dict(metric_value_kwargs["hierarchy"]))
            if isinstance(spec, TableHierarchy):
                hierarchy = read_table_hierarchy(attribute, spec)
            else:
                hierarchy = derive_hierarchy(attribute, spec, present_values(frame[attribute]))
            table = pd.DataFrame(hierarchy.table).astype(str)
            achieved = closeness.hierarchical_distance(counts, closeness.hierarchy_levels(counts.values, table))
        return {"classes": classes.count, "t_achieved": achieved}


class RawIdentifierMatches(TableMetricProvider):
    """Rows of one published column holding a raw identifier, whole or as a digit run or e-mail local part."""

    metric_name = "table.raw_identifier_matches"
    value_keys = ("column", "digest_set")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration) -> dict[str, Any]:
        frame = _table(execution_engine, metric_domain_kwargs)
        return leak_findings(frame[metric_value_kwargs["column"]], registered(metric_value_kwargs["digest_set"]))
