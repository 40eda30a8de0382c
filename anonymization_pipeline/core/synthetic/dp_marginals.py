"""ε-differentially private marginals, after MST (McKenna, Miklau, Sheldon 2021).

Three measurements share ε, each from OpenDP's vetted samplers (noise is never numpy's):
1. every column's one-way counts, with discrete Laplace noise; categories whose noisy count is
   lost in the noise are merged into one (domain compression), which saves the two-way tables
   from spreading noise over empty cells;
2. a maximum spanning tree of the columns, chosen edge by edge with the exponential mechanism
   (report-noisy-max): an edge scores the L1 distance between its true two-way table and what
   the noisy one-way counts predict for it (sensitivity 1), i.e. how much dependence it carries;
3. the two-way counts of the tree's edges, with discrete Laplace noise.
Everything after is post-processing: the tables are made non-negative and consistent (every
column's marginal is the inverse-variance blend of all its estimates, projected onto counts that
sum to the estimated total; each edge's table is fitted to both its marginals), and the tree is
sampled from its root.

The domain (which categories exist, numeric ranges and bins) is taken as public, as MST does;
a column whose categories are themselves secret must be dropped or declared an identifier.
Neighbouring datasets differ by one added or removed row.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import opendp.prelude as dp

from anonymization_pipeline.core.synthetic.network import ConditionalTable, Network
from anonymization_pipeline.core.synthetic.structure import Structure, contingency_table, joint_index

ONE_WAY_SHARE = 0.2
SELECTION_SHARE = 0.1
TWO_WAY_SHARE = 0.7
COMPRESSION_THRESHOLD = 3.0
"""A category is kept on its own when its noisy count exceeds this many noise scales."""
FITTING_ROUNDS = 30

dp.enable_features("contrib")


@dataclass(frozen=True)
class PrivateMarginals:
    """The tree over compressed codes, and per column how a compressed code expands back to
    the original codes (one probability row per compressed code)."""

    network: Network
    structure: Structure
    expansions: list[np.ndarray]


def fit_private_marginals(
    codes: np.ndarray, cardinalities: np.ndarray, epsilon: float, anchor: int | None = None
) -> PrivateMarginals:
    """The model of `codes` at a cost of exactly `epsilon` (pure ε-DP).

    Without `anchor` it is MST's tree of two-way marginals. With an `anchor` (the column a
    downstream model will predict) the tree spans the other columns and the anchor is a parent of
    every one of them (a tree-augmented naive Bayes): each measured table is then three-way
    (anchor, tree parent, column), so every column keeps its relation to the anchor, which a plain
    tree would keep for one neighbour only.
    """
    columns = codes.shape[1]
    shares = (1.0, 0.0, 0.0) if columns == 1 else (ONE_WAY_SHARE, SELECTION_SHARE, TWO_WAY_SHARE)
    one_way_epsilon, selection_epsilon, table_epsilon = (epsilon * share for share in shares)
    one_way_scale = columns / one_way_epsilon
    counts = [np.bincount(codes[:, c], minlength=int(cardinalities[c])) for c in range(columns)]
    noisy = np.split(laplace_counts(np.concatenate(counts), columns, one_way_epsilon), np.cumsum(cardinalities)[:-1])
    compressions, expansions = zip(*(_compress(n, one_way_scale) for n in noisy))
    compressed = np.stack([compressions[c][codes[:, c]] for c in range(columns)], axis=1)
    sizes = np.array([expansion.shape[0] for expansion in expansions])
    one_way = [np.bincount(compressions[c], weights=noisy[c], minlength=sizes[c]) for c in range(columns)]
    group_sizes = [np.bincount(compressions[c], minlength=sizes[c]) for c in range(columns)]
    total = max(float(np.median([m.clip(0).sum() for m in one_way])), 1.0)
    if columns == 1:
        network = Network(sizes, [ConditionalTable(0, (), _normalised(project_to_counts(one_way[0], total))[None, :])])
        return PrivateMarginals(network, [(0, ())], list(expansions))
    features = [c for c in range(columns) if c != anchor]
    edges = _select_tree(compressed, sizes, one_way, total, selection_epsilon, features) if len(features) > 1 else []
    tree = _rooted(edges, features)
    structure = tree if anchor is None else [(anchor, ())] + [(child, (anchor, *parents)) for child, parents in tree]
    measured = [(child, parents) for child, parents in structure if parents]
    table_scale = len(measured) / table_epsilon
    tables = [marginal_table(compressed, child, parents, sizes) for child, parents in measured]
    flat = laplace_counts(np.concatenate([t.ravel() for t in tables]), len(measured), table_epsilon)
    noisy_tables = [part.reshape(t.shape) for part, t in zip(np.split(flat, np.cumsum([t.size for t in tables])[:-1]), tables)]
    marginals = _consistent_marginals(one_way, group_sizes, one_way_scale, measured, noisy_tables, table_scale, total)
    root = structure[0][0]
    conditionals = [ConditionalTable(root, (), _normalised(marginals[root])[None, :])]
    for (child, parents), table in zip(measured, noisy_tables):
        parent_marginal = marginals[parents[0]] if len(parents) == 1 else None
        conditionals.append(ConditionalTable(child, parents, _conditional(table, parent_marginal, marginals[child], total)))
    return PrivateMarginals(Network(sizes, conditionals), structure, list(expansions))


def marginal_table(codes: np.ndarray, child: int, parents: tuple[int, ...], sizes: np.ndarray) -> np.ndarray:
    """Counts of (parent combination, child code): one row per combination, as the network indexes them."""
    configurations = int(np.prod(sizes[list(parents)]))
    return contingency_table(joint_index(codes, parents, sizes), codes[:, child], configurations, int(sizes[child]))


def laplace_counts(counts: np.ndarray, sensitivity: int, epsilon: float) -> np.ndarray:
    """Counts plus discrete Laplace noise from OpenDP, at `epsilon` for an L1 sensitivity of
    `sensitivity` (one row moves one cell in each of that many histograms)."""
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    measurement = dp.m.make_laplace(*space, scale=sensitivity / epsilon)
    if measurement.map(sensitivity) > epsilon * (1 + 1e-9):
        raise AssertionError("the Laplace measurement would spend more than its share of epsilon")
    return np.asarray(measurement([int(c) for c in counts]), dtype=np.float64)


def noisy_argmax(scores: np.ndarray, epsilon: float) -> int:
    """The exponential mechanism (report-noisy-max with Gumbel noise) for scores of sensitivity 1."""
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.linf_distance(T=float)
    measurement = dp.binary_search_chain(
        lambda scale: dp.m.make_noisy_max(*space, dp.max_divergence(), scale=scale), d_in=1.0, d_out=epsilon
    )
    return int(measurement([float(s) for s in scores]))


def project_to_counts(estimate: np.ndarray, total: float) -> np.ndarray:
    """The closest non-negative vector summing to `total` (Euclidean projection onto the simplex)."""
    ordered = np.sort(estimate)[::-1]
    cumulative = np.cumsum(ordered) - total
    ranks = np.arange(1, len(estimate) + 1)
    last = np.nonzero(ordered - cumulative / ranks > 0)[0][-1]
    return np.maximum(estimate - cumulative[last] / (last + 1), 0.0)


def _compress(noisy: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(compressed code of each original code, expansion table compressed × original)."""
    rare = noisy < COMPRESSION_THRESHOLD * scale
    if rare.sum() <= 1:
        compression = np.arange(len(noisy))
    else:
        kept = np.cumsum(~rare) - 1
        compression = np.where(rare, (~rare).sum(), kept)
    groups = int(compression.max()) + 1
    weights = np.maximum(noisy, 0.0)
    expansion = np.zeros((groups, len(noisy)))
    expansion[compression, np.arange(len(noisy))] = weights
    empty = expansion.sum(axis=1) == 0
    expansion[empty] = (compression[None, :] == np.nonzero(empty)[0][:, None]).astype(np.float64)
    return compression, expansion / expansion.sum(axis=1, keepdims=True)


def _select_tree(
    codes: np.ndarray, sizes: np.ndarray, one_way: list[np.ndarray], total: float, epsilon: float, columns: list[int]
) -> list[tuple[int, int]]:
    """A spanning tree of `columns`, one edge per round of the exponential mechanism among the
    edges that join two parts (Kruskal's order, MST's selection)."""
    shares = {c: _normalised(np.maximum(one_way[c], 0.0)) for c in columns}
    scores = {}
    for a, b in combinations(columns, 2):
        predicted = np.outer(shares[a], shares[b]) * total
        scores[(a, b)] = float(np.abs(contingency_table(codes[:, a], codes[:, b], sizes[a], sizes[b]) - predicted).sum())
    component = {c: c for c in columns}
    edges: list[tuple[int, int]] = []
    for _ in range(len(columns) - 1):
        candidates = [pair for pair in scores if component[pair[0]] != component[pair[1]]]
        a, b = candidates[noisy_argmax(np.array([scores[pair] for pair in candidates]), epsilon / (len(columns) - 1))]
        edges.append((a, b))
        merged, into = component[b], component[a]
        component = {c: into if part == merged else part for c, part in component.items()}
    return edges


def _consistent_marginals(
    one_way: list[np.ndarray],
    group_sizes: list[np.ndarray],
    one_way_scale: float,
    measured: list[tuple[int, tuple[int, ...]]],
    tables: list[np.ndarray],
    table_scale: float,
    total: float,
) -> list[np.ndarray]:
    """Each column's counts: all its noisy estimates (its one-way counts, the sums of every table
    it is the child or the only parent of) blended by inverse variance, then projected."""
    weighted = [m / (2 * one_way_scale**2 * g) for m, g in zip(one_way, group_sizes)]
    precision = [1 / (2 * one_way_scale**2 * g) for g in group_sizes]
    for (child, parents), table in zip(measured, tables):
        estimates = [(child, table.sum(axis=0), table.shape[0])]
        if len(parents) == 1:
            estimates.append((parents[0], table.sum(axis=1), table.shape[1]))
        for column, sums, cells in estimates:
            variance = 2 * table_scale**2 * cells
            weighted[column] = weighted[column] + sums / variance
            precision[column] = precision[column] + 1 / variance
    return [project_to_counts(w / p, total) for w, p in zip(weighted, precision)]


def _rooted(edges: list[tuple[int, int]], columns: list[int]) -> Structure:
    """The tree of `edges` over `columns`, from the first column outwards."""
    neighbours: dict[int, list[int]] = {c: [] for c in columns}
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    structure: Structure = [(columns[0], ())]
    placed = {columns[0]}
    for column, _ in structure:
        for neighbour in neighbours[column]:
            if neighbour not in placed:
                placed.add(neighbour)
                structure.append((neighbour, (column,)))
    return structure


def _conditional(table: np.ndarray, parent: np.ndarray | None, child: np.ndarray, total: float) -> np.ndarray:
    """P(child | parents) from a noisy table made non-negative and fitted to the consistent
    marginals (the child's; the parent's too when there is one parent)."""
    fitted = project_to_counts(table.ravel(), total).reshape(table.shape) + 1e-9 * total / table.size
    for _ in range(FITTING_ROUNDS):
        fitted *= (child / np.maximum(fitted.sum(axis=0), 1e-300))[None, :]
        if parent is not None:
            fitted *= (parent / np.maximum(fitted.sum(axis=1), 1e-300))[:, None]
    rows = fitted.sum(axis=1, keepdims=True)
    usable = rows > 1e-6 * total / table.shape[0]
    return np.where(usable, fitted / np.where(usable, rows, 1.0), _normalised(child)[None, :])


def _normalised(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total > 0 else np.full(len(counts), 1.0 / len(counts))
