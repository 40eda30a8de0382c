"""The linkage attack of the reference scenario, played for real on the published table.

The attacker holds an identified list (a name plus raw quasi-identifiers, e.g. a voter list). For
each person on it they look for the published records that person could be: the list's values
generalized with the published transformation and compared for equality, or, without the
transformation (Mondrian output), compared by containment. One candidate is a unique match; with
f candidates a random pick is right with probability 1/f. Suppressed records match nobody.

When the benchmark knows who is who (`GroundTruth`: the hidden person id of every published and
every listed record, never a published column), the result also counts correct matches.

A list longer than `sample_size` is attacked through a seeded random sample of that many people
(the published side is always read whole): the counts are the sample's, and `ci95` gives for each
of them the 95 % Wilson score interval of its share of the whole list, narrowed by the finite
population correction (a sample of the whole list is exact). The expected counts (sums of 1/f)
use the same interval, which is conservative for a mean of values in [0, 1].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.privacy import Hierarchy, apply_transformation
from anonymization_pipeline.core.risk.classes import published_classes
from anonymization_pipeline.core.risk.matching import ClassMatches, class_values, hierarchy_tables, match_by_containment, match_by_equality

TRUTH_COLUMN = "benchmark_true_user_id"  # where benchmarks keep the hidden truth; never published, never joined on
Z_95 = 1.959963984540054
SAMPLE_SEED = 0
INTERVAL_FIGURES = ("matched", "uniquely_matched", "matched_correctly", "expected_correct")
INTERVAL_RATES = ("attacker_expected_success_rate", "expected_success_rate")
DIGITS = 6


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
    sample_size: int | None = None,
    weights: np.ndarray | None = None,
) -> dict:
    """Link `external` to `published` on the columns `on` and count what the attacker gets.

    `hierarchies` are the privacy engine's (`build_hierarchies`). `levels` (column -> level, the
    privacy summary's `transformation`) selects matching by equality after generalizing `external`
    with them (levels all 0: `published` holds raw values, compared as they are); without it (or
    with Mondrian's levels, all None), cells are matched by containment, the hierarchies deciding
    which raw values a node covers. With `sample_size`, at most that many listed people are attacked.
With `weights`, each published row stands for that many records (a histogram of distinct rows, as
the Spark engine counts them); a ground truth then needs one id per histogram row.

    >>> published = pd.DataFrame({"age": ["[20-29]", "[20-29]", "[30-39]"]})
    >>> external = pd.DataFrame({"age": ["25", "33"]})
    >>> run_linkage_attack(published, external, ["age"])["uniquely_matched"]
    1
    """
    _check_columns(published, on, "published")
    _check_columns(external, on, "external")
    listed = len(external)
    external, ground_truth = _sample(external, ground_truth, sample_size)
    classes = published_classes(published, on, weights=weights)
    values = class_values(published, classes, on)
    if levels is not None and all(levels.get(name) == 0 for name in on):
        matches = match_by_equality(values, external[on], on)
        method = "equality of raw values"
    elif levels is not None and all(levels.get(name) is not None for name in on):
        generalized = apply_transformation(external[on], dict(hierarchies or {}), {name: levels[name] for name in on})
        matches = match_by_equality(values, generalized, on)
        method = "equality after the published transformation"
    else:
        tables = hierarchy_tables({name: h for name, h in (hierarchies or {}).items() if name in on}, external)
        matches = match_by_containment(values, external, on, tables)
        method = "containment (ranges, hierarchy nodes, masks)"
    figures = _attack_figures(matches, classes.sizes, classes.row_class, len(external), on, method, ground_truth)
    if len(external) < listed:
        figures |= {"listed": listed, "ci95": _intervals(figures, listed)}
    return figures


def _sample(
    external: pd.DataFrame, truth: GroundTruth | None, size: int | None
) -> tuple[pd.DataFrame, GroundTruth | None]:
    """A seeded random sample of `size` listed people (in list order), with their hidden ids."""
    if size is None or len(external) <= size:
        return external, truth
    chosen = np.sort(np.random.default_rng(SAMPLE_SEED).choice(len(external), size, replace=False))
    if truth is not None:
        if len(truth.external) != len(external):
            raise InputDataError("the ground truth must have one id per published row and one per external row")
        truth = GroundTruth(truth.published, truth.external.iloc[chosen].reset_index(drop=True))
    return external.iloc[chosen].reset_index(drop=True), truth


def wilson_interval(successes: float, sampled: int, population: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share seen `successes` times in a simple random sample
    of `sampled` from `population`, with the finite population correction.

    >>> [round(bound, 3) for bound in wilson_interval(50, 100, 10_000)]
    [0.404, 0.596]
    >>> wilson_interval(30, 100, 100)
    (0.3, 0.3)
    >>> wilson_interval(0, 100, 10_000)[0]
    0.0
    """
    share = min(max(successes / sampled, 0.0), 1.0)
    if sampled >= population:
        return share, share
    effective = sampled * (population - 1) / (population - sampled)
    z2 = Z_95 * Z_95
    centre = (share + z2 / (2 * effective)) / (1 + z2 / effective)
    half = Z_95 / (1 + z2 / effective) * np.sqrt(share * (1 - share) / effective + z2 / (4 * effective * effective))
    return round(max(0.0, float(centre - half)), DIGITS), round(min(1.0, float(centre + half)), DIGITS)


def _intervals(figures: dict, listed: int) -> dict[str, list[float]]:
    """The 95 % interval of each count's share of the whole list (and of each rate), from the sample."""
    attempts = figures["attempts"]
    successes = {name: figures[name] for name in INTERVAL_FIGURES if name in figures}
    successes |= {name: figures[name] * attempts for name in INTERVAL_RATES if name in figures}
    return {name: list(wilson_interval(count, attempts, listed)) for name, count in successes.items()}


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
