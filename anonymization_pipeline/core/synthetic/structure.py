"""Which columns depend on which: mutual information between coded columns, and the two
structures built from it (a greedy low-degree network as in PrivBayes, a maximum spanning tree as
in Chow–Liu and MST).

A structure is a list of (child, parents) in sampling order: every parent comes before its child.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

Structure = list[tuple[int, tuple[int, ...]]]


def joint_index(codes: np.ndarray, columns: tuple[int, ...], cardinalities: np.ndarray) -> np.ndarray:
    """One integer per row for the combination of `columns` (mixed radix, first column fastest)."""
    index = np.zeros(codes.shape[0], dtype=np.int64)
    for column in reversed(columns):
        index = index * int(cardinalities[column]) + codes[:, column]
    return index


def entropy(counts: np.ndarray) -> float:
    total = counts.sum()
    p = counts[counts > 0] / total
    return float(-(p * np.log(p)).sum())


def mutual_information(table: np.ndarray) -> float:
    """I(A; B) in nats from a two-way table of counts (rows: A, columns: B).

    >>> round(mutual_information(np.array([[5, 0], [0, 5]])), 4)
    0.6931
    """
    return entropy(table.sum(axis=1)) + entropy(table.sum(axis=0)) - entropy(table.ravel())


def greedy_network(codes: np.ndarray, cardinalities: np.ndarray, max_parents: int, rows: int) -> Structure:
    """A network of in-degree ≤ `max_parents`: start from the column most informative about the
    others, then repeatedly add the (child, parents among the columns placed) with the best
    penalised mutual information. The penalty (BIC: log n / 2n per free parameter of the
    conditional table) keeps parent sets whose table the `rows` training rows cannot fill.
    """
    columns = codes.shape[1]
    pairwise = pairwise_mutual_information(codes, cardinalities)
    placed = [int(np.argmax(pairwise.sum(axis=1)))]
    structure: Structure = [(placed[0], ())]
    scores: dict[tuple[int, tuple[int, ...]], float] = {}
    penalty = np.log(rows) / (2 * rows)
    while len(placed) < columns:
        best = (-np.inf, -1, ())
        for child in (c for c in range(columns) if c not in placed):
            for size in range(1, min(max_parents, len(placed)) + 1):
                for parents in combinations(sorted(placed), size):
                    key = (child, parents)
                    if key not in scores:
                        cells = (cardinalities[child] - 1) * np.prod(cardinalities[list(parents)], dtype=np.float64)
                        scores[key] = _conditional_information(codes, child, parents, cardinalities) - penalty * cells
                    if scores[key] > best[0]:
                        best = (scores[key], child, parents)
        _, child, parents = best
        if best[0] <= 0:
            parents = ()
        placed.append(child)
        structure.append((child, parents))
    return structure


def pairwise_mutual_information(codes: np.ndarray, cardinalities: np.ndarray) -> np.ndarray:
    columns = codes.shape[1]
    information = np.zeros((columns, columns))
    for a, b in combinations(range(columns), 2):
        table = contingency_table(codes[:, a], codes[:, b], int(cardinalities[a]), int(cardinalities[b]))
        information[a, b] = information[b, a] = mutual_information(table)
    return information


def contingency_table(a: np.ndarray, b: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """The two-way table of counts of codes `a` (rows) and `b` (columns)."""
    return np.bincount(a * columns + b, minlength=rows * columns).reshape(rows, columns).astype(np.float64)


def maximum_spanning_tree(weights: np.ndarray, root: int = 0) -> Structure:
    """Prim's algorithm on a symmetric weight matrix; the tree is returned from `root` outwards.

    >>> maximum_spanning_tree(np.array([[0, 3, 1], [3, 0, 2], [1, 2, 0.0]]))
    [(0, ()), (1, (0,)), (2, (1,))]
    """
    columns = weights.shape[0]
    structure: Structure = [(root, ())]
    inside = np.zeros(columns, dtype=bool)
    inside[root] = True
    best = weights[root].astype(np.float64).copy()
    link = np.full(columns, root)
    for _ in range(columns - 1):
        candidates = np.where(inside, -np.inf, best)
        child = int(np.argmax(candidates))
        structure.append((child, (int(link[child]),)))
        inside[child] = True
        closer = ~inside & (weights[child] > best)
        best[closer] = weights[child][closer]
        link[closer] = child
    return structure


def _conditional_information(codes: np.ndarray, child: int, parents: tuple[int, ...], cardinalities: np.ndarray) -> float:
    configurations = int(np.prod(cardinalities[list(parents)]))
    table = contingency_table(joint_index(codes, parents, cardinalities), codes[:, child], configurations, int(cardinalities[child]))
    return mutual_information(table)
