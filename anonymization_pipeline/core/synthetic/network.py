"""A network of conditional tables over coded columns, and ancestral sampling from it.

Each node holds P(child | parents) as one row of probabilities per parent combination. Sampling
draws whole columns at once: the rows' cumulative tables are laid end to end (row r shifted by
r), so one `searchsorted` of r + u finds every row's code without a per-row loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anonymization_pipeline.core.synthetic.structure import Structure, contingency_table, joint_index

PRIOR_WEIGHT = 1.0
"""Pseudo-rows of the child's own marginal added to each parent combination: a combination seen
once does not simply replay its one row, and an unseen combination falls back to the marginal."""


@dataclass(frozen=True)
class ConditionalTable:
    child: int
    parents: tuple[int, ...]
    probabilities: np.ndarray


@dataclass(frozen=True)
class Network:
    cardinalities: np.ndarray
    tables: list[ConditionalTable]

    def sample(self, rows: int, rng: np.random.Generator) -> np.ndarray:
        """`rows` × columns codes, parents first (column-major: each column is written whole)."""
        codes = np.zeros((rows, len(self.cardinalities)), dtype=np.int64, order="F")
        for table in self.tables:
            configuration = joint_index(codes, table.parents, self.cardinalities)
            codes[:, table.child] = draw_rows(table.probabilities, configuration, rng)
        return codes


def fit_network(codes: np.ndarray, cardinalities: np.ndarray, structure: Structure) -> Network:
    """Conditional tables from counts, each smoothed towards the child's marginal."""
    tables = []
    for child, parents in structure:
        k = int(cardinalities[child])
        marginal = np.bincount(codes[:, child], minlength=k).astype(np.float64)
        marginal /= marginal.sum()
        configurations = int(np.prod(cardinalities[list(parents)])) if parents else 1
        index = joint_index(codes, parents, cardinalities)
        counts = contingency_table(index, codes[:, child], configurations, k) + PRIOR_WEIGHT * marginal
        tables.append(ConditionalTable(child, parents, counts / counts.sum(axis=1, keepdims=True)))
    return Network(cardinalities, tables)


def draw_rows(probabilities: np.ndarray, configuration: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each row, a code drawn from the probability row its `configuration` names.

    >>> draw_rows(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1, 0, 1]), np.random.default_rng(0)).tolist()
    [1, 0, 1]
    """
    configurations, k = probabilities.shape
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    cumulative[:, -1] = 1.0
    laid = (cumulative + np.arange(configurations)[:, None]).ravel()
    targets = configuration + rng.random(len(configuration))
    found = np.searchsorted(laid, targets, side="right")
    return np.minimum(found - configuration * k, k - 1)
