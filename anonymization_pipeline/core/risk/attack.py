"""The linkage attack of the reference scenario, played for real on the published table.

The attacker holds an identified list (a name plus raw quasi-identifiers, e.g. a voter list). For
each person on it they look for the published records that person could be: the list's values
generalized with the published transformation and compared for equality, or, without the
transformation (Mondrian output), compared by containment. One candidate is a unique match; with
f candidates a random pick is right with probability 1/f. Suppressed records match nobody.

When the benchmark knows who is who (`GroundTruth`: the hidden person id of every published and
every listed record, never a published column), the result also counts correct matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.privacy import Hierarchy, apply_transformation
from anonymization_pipeline.core.risk.classes import equivalence_classes
from anonymization_pipeline.core.risk.matching import ClassMatches, class_values, hierarchy_tables, match_by_containment, match_by_equality

TRUTH_COLUMN = "benchmark_true_user_id"  # where benchmarks keep the hidden truth; never published, never joined on


@dataclass(frozen=True)
class GroundTruth:
    """Hidden person ids, aligned by position with the published rows and with the external rows."""

    published: pd.Series
    external: pd.Series


def _check_columns(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise InputDataError(f"the {what} table has no column {missing[0]!r} to join on")


def _true_rows(truth: GroundTruth) -> np.ndarray:
    """Position of each external record's true published row; -1 when the person is not published."""
    ids = pd.Index(truth.published.astype("string"))
    unique = ~ids.duplicated(keep="first")
    position = ids[unique].get_indexer(pd.Index(truth.external.astype("string")))
    return np.where(position >= 0, np.flatnonzero(unique)[np.maximum(position, 0)], -1)


def run_linkage_attack(
    published: pd.DataFrame,
    external: pd.DataFrame,
    on: list[str],
    hierarchies: Mapping[str, Hierarchy] | None = None,
    levels: Mapping[str, int] | None = None,
    ground_truth: GroundTruth | None = None,
) -> dict:
    """Link `external` to `published` on the columns `on` and count what the attacker gets.

    `hierarchies` are the privacy engine's (`build_hierarchies`). `levels` (column -> level, the
    privacy summary's `transformation`) selects matching by equality after generalizing `external`
    with them; without it (or with Mondrian's levels, all None), cells are matched by containment,
    the hierarchies deciding which raw values a node covers.

    >>> published = pd.DataFrame({"age": ["[20-29]", "[20-29]", "[30-39]"]})
    >>> external = pd.DataFrame({"age": ["25", "33"]})
    >>> run_linkage_attack(published, external, ["age"])["uniquely_matched"]
    1
    """
    _check_columns(published, on, "published")
    _check_columns(external, on, "external")
    classes = equivalence_classes(published, on)
    values = class_values(published, classes, on)
    if levels is not None and all(levels.get(name) is not None for name in on):
        generalized = apply_transformation(external[on], dict(hierarchies or {}), {name: levels[name] for name in on})
        matches = match_by_equality(values, generalized, on)
        method = "equality after the published transformation"
    else:
        tables = hierarchy_tables({name: h for name, h in (hierarchies or {}).items() if name in on}, external)
        matches = match_by_containment(values, external, on, tables)
        method = "containment (ranges, hierarchy nodes, masks)"
    return _attack_figures(matches, classes.sizes, classes.row_class, len(external), on, method, ground_truth)


def _attack_figures(
    matches: ClassMatches,
    sizes: np.ndarray,
    row_class: np.ndarray,
    attempts: int,
    on: list[str],
    method: str,
    truth: GroundTruth | None,
) -> dict:
    candidates = matches.candidates(sizes, attempts)
    matched = candidates > 0
    share = np.divide(1.0, candidates, out=np.zeros(attempts), where=matched)
    figures = {
        "on": list(on),
        "method": method,
        "attempts": attempts,
        "matched": int(matched.sum()),
        "uniquely_matched": int((candidates == 1).sum()),
        "attacker_expected_success_rate": float(share.sum() / attempts) if attempts else 0.0,
    }
    if truth is None:
        return figures
    if len(truth.external) != attempts or len(truth.published) != len(row_class):
        raise InputDataError("the ground truth must have one id per published row and one per external row")
    true_row = _true_rows(truth)
    true_class = np.where(true_row >= 0, row_class[np.maximum(true_row, 0)], -1)
    correct = np.zeros(attempts, dtype=bool)
    targets = np.flatnonzero(true_class >= 0)
    correct[targets] = matches.contains(targets, true_class[targets])
    expected_correct = float(share[correct].sum())
    figures.update(
        {
            "targets_in_published": int((true_row >= 0).sum()),
            "matched_correctly": int((correct & (candidates == 1)).sum()),
            "expected_correct": expected_correct,
            "expected_success_rate": expected_correct / attempts if attempts else 0.0,
        }
    )
    return figures
