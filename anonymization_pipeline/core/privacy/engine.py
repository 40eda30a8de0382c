"""Entry points of the privacy engine: from a frame and a policy to a generalized frame.

The `quasi_identifiers_generalized` stage calls `anonymize_quasi_identifiers`; the linkage-attack
simulation calls `build_hierarchies` and `apply_transformation` to generalize an outside list the
same way the published data was.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd

from anonymization_pipeline.core.errors import ConfigurationError, InputDataError, PrivacyTargetNotMet
from anonymization_pipeline.core.policy.model import Policy, TableHierarchy
from anonymization_pipeline.core.privacy.criteria import Criterion, build_criteria, sensitive_names
from anonymization_pipeline.core.privacy.encoding import EncodedTable, column_strings, distinct_strings, encode_table
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy, derive_hierarchy, read_table_hierarchy
from anonymization_pipeline.core.privacy.lattice_search import optimal_search
from anonymization_pipeline.core.privacy.measured import measured_values
from anonymization_pipeline.core.privacy.metrics import make_metric
from anonymization_pipeline.core.privacy.classes import EquivalenceClasses, grouped_classes
from anonymization_pipeline.core.privacy.mondrian import MONDRIAN_DESCRIPTION, mondrian, partition_labels
from anonymization_pipeline.core.privacy.recoding import recode, recode_partitions
from anonymization_pipeline.core.privacy.result import PrivacyResult


def build_hierarchies(policy: Policy, frame: pd.DataFrame | None = None, names: list[str] | None = None) -> dict[str, Hierarchy]:
    """The hierarchy of each of `names` that has one in the policy (default: every
    quasi-identifier, and the sensitive attribute hierarchical t-closeness measures distances on).
    Interval, prefix and date hierarchies are derived from `frame`'s values, so they need it;
    table hierarchies are read from their files.

    >>> build_hierarchies(Policy.from_yaml("examples/policies/adult.yaml"))["sex"].height  # doctest: +SKIP
    2
    """
    if names is None:
        names = list(policy.quasi_identifiers)
        closeness = policy.privacy.t_closeness if policy.privacy else None
        if closeness is not None and closeness.distance == "hierarchical":
            names.append(closeness.attribute)
    hierarchies = {}
    for name in names:
        spec = policy.fields[name].hierarchy if name in policy.fields else None
        if spec is None:
            continue
        if isinstance(spec, TableHierarchy):
            hierarchies[name] = read_table_hierarchy(name, spec)
            continue
        if frame is None:
            raise ConfigurationError(f"hierarchy for '{name}': a {type(spec).__name__} is derived from the data; pass the frame")
        if name not in frame.columns:
            raise InputDataError(f"the input has no column '{name}' named in the policy")
        hierarchies[name] = derive_hierarchy(name, spec, distinct_strings(column_strings(frame[name])))
    return hierarchies


def anonymize_quasi_identifiers(frame: pd.DataFrame, policy: Policy, weights: np.ndarray | None = None) -> PrivacyResult:
    """Generalize (and suppress) the quasi-identifiers so every privacy target of the policy holds,
    with the least information loss (`algorithm: optimal`) or by Mondrian partitioning. The
    criteria measure the sensitive attributes' published values (`measured_values`) against the
    input's distribution of them; the returned frame keeps the raw values for the sensitive stage.

    `weights` (one count per row) lets `frame` be a histogram of distinct tuples rather than the
    rows themselves (see `encode_table`): the search, its summary and the suppression are then
    those of the rows counted, and the result's frame and mask are per distinct tuple.

    Raises PrivacyTargetNotMet when no transformation is acceptable, InputDataError when a value
    is missing from its hierarchy, ConfigurationError when a hierarchy is inconsistent.

    >>> result = anonymize_quasi_identifiers(load_adult(), Policy.from_yaml("examples/policies/adult.yaml"))  # doctest: +SKIP
    >>> result.summary["transformation"]["age"]  # doctest: +SKIP
    1
    """
    privacy = policy.privacy
    if privacy is None or not policy.quasi_identifiers:
        raise ConfigurationError("generalization needs a 'privacy' section and at least one quasi_identifier")
    measured = measured_values(frame, policy)
    hierarchies = build_hierarchies(policy, measured)
    sensitive = {name: hierarchies.get(name) for name in sensitive_names(privacy)}
    table = encode_table(measured, hierarchies, policy.quasi_identifiers, sensitive, weights)
    if privacy.k is not None and privacy.k > table.rows:
        raise PrivacyTargetNotMet(f"k={privacy.k} is larger than the number of rows ({table.rows}); no generalization can meet it")
    criteria = build_criteria(privacy, table.sensitive)
    if privacy.algorithm == "mondrian":
        return _mondrian_result(frame, table, criteria)
    limit = math.floor(privacy.max_suppression * table.rows)
    metric = make_metric(privacy.metric, table)
    started = time.perf_counter()
    found = optimal_search(table, criteria, metric, limit)
    seconds = time.perf_counter() - started
    if found is None:
        targets = ", ".join(c.describe() for c in criteria)
        raise PrivacyTargetNotMet(
            f"no generalization of {', '.join(table.columns)} meets {targets} with at most {limit} suppressed rows "
            f"(max_suppression {privacy.max_suppression:g} of {table.rows} rows); even the coarsest fails: "
            "allow more suppression, relax the targets or add hierarchy levels"
        )
    evaluation = found.evaluation
    output, suppressed = recode(frame, table, found.levels, evaluation.failing, privacy.suppression)
    summary = {
        "algorithm": "optimal",
        "transformation": dict(zip(table.columns, found.levels)),
        "metric": metric.name,
        "information_loss": found.loss,
        "suppressed_rows": evaluation.suppressed_rows,
        "suppression_limit": limit,
        "nodes_checked": found.nodes_checked,
        **_class_summary(evaluation.classes, evaluation.failing, criteria),
        "search_seconds": round(seconds, 4),
    }
    return PrivacyResult(output, summary, suppressed)


def _mondrian_result(frame: pd.DataFrame, table: EncodedTable, criteria: list[Criterion]) -> PrivacyResult:
    started = time.perf_counter()
    partitioning = mondrian(table, criteria)
    seconds = time.perf_counter() - started
    if partitioning is None:
        targets = ", ".join(c.describe() for c in criteria)
        raise PrivacyTargetNotMet(f"the whole table ({table.rows} rows) does not meet {targets}, so Mondrian has nothing to split; relax the targets")
    output = recode_partitions(frame, table, partition_labels(partitioning), partitioning.tuple_partition)
    classes = grouped_classes(table, partitioning.tuple_partition, partitioning.count)
    summary = {
        "algorithm": "mondrian",
        "transformation": {column: None for column in table.columns},
        "description": MONDRIAN_DESCRIPTION,
        "metric": "discernibility",
        "information_loss": float(int((partitioning.sizes**2).sum())),
        "suppressed_rows": 0,
        "suppression_limit": 0,
        "nodes_checked": 0,
        **_class_summary(classes, np.zeros(partitioning.count, dtype=bool), criteria),
        "search_seconds": round(seconds, 4),
    }
    return PrivacyResult(output, summary, np.zeros(len(frame), dtype=bool))


def _class_summary(classes: EquivalenceClasses, failing: np.ndarray, criteria: list[Criterion]) -> dict:
    """Counts over the kept classes and what each l/t criterion reaches on them."""
    kept = ~failing
    smallest = int(classes.sizes[kept].min()) if kept.any() else 0
    summary = {"equivalence_classes": int(kept.sum()), "min_class_size": smallest, "k_achieved": smallest}
    for criterion in criteria:
        summary.setdefault(criterion.achieved_key, criterion.for_kept(classes, kept).achieved(classes, kept))
    summary["criteria"] = [criterion.describe() for criterion in criteria]
    return summary
