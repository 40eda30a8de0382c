"""A slow, independent reference for the privacy engine's definitions (tests only).

Plain Python over rows and classes, written from the issue's definitions, sharing no code with
the engine: criteria, metrics and a brute-force search over every lattice node.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass, field

MISSING = None


@dataclass
class Table:
    """Rows as tuples of raw quasi-identifier values, plus one sensitive value per row."""

    rows: list[tuple]
    hierarchies: list[list[list[str]]]
    sensitive: list[object] = field(default_factory=list)
    sensitive_hierarchy: list[list[str]] | None = None

    def generalize(self, row: tuple, levels: tuple[int, ...]) -> tuple:
        result = []
        for value, table, level in zip(row, self.hierarchies, levels):
            result.append(_lookup(table, value, level))
        return tuple(result)

    def classes(self, levels: tuple[int, ...]) -> dict[tuple, list[int]]:
        groups: dict[tuple, list[int]] = {}
        for index, row in enumerate(self.rows):
            groups.setdefault(self.generalize(row, levels), []).append(index)
        return groups


def _lookup(table: list[list[str]], value, level: int) -> str:
    key = "" if value is None else str(value)
    for row in table:
        if row[0] == key:
            return row[level]
    if key == "":
        return "" if level == 0 else "*"
    raise KeyError(value)


def passes(table: Table, members: list[int], criterion: tuple) -> bool:
    kind = criterion[0]
    values = ["" if table.sensitive[i] is None else str(table.sensitive[i]) for i in members] if table.sensitive else []
    counts = Counter(values)
    n = len(members)
    if kind == "k":
        return n >= criterion[1]
    if kind == "distinct":
        return len(counts) >= criterion[1]
    if kind == "entropy":
        l = criterion[1]
        return len(counts) >= math.ceil(l) and sum(c * math.log(c) for c in counts.values()) <= n * (math.log(n) - math.log(l))
    if kind == "recursive":
        c, l = criterion[1], criterion[2]
        ordered = sorted(counts.values(), reverse=True)
        return len(ordered) >= l and ordered[0] < c * sum(ordered[l - 1 :])
    if kind in ("beta", "enhanced", "delta"):
        everything = Counter("" if v is None else str(v) for v in table.sensitive)
        for value, count in counts.items():
            p, q = count / n, everything[value] / len(table.sensitive)
            if kind == "delta" and abs(math.log2(p / q)) >= criterion[1]:
                return False
            if kind != "delta" and (p - q) / q > (min(criterion[1], -math.log(q)) if kind == "enhanced" else criterion[1]):
                return False
        return True
    return emd(table, counts, n, criterion[1]) <= criterion[2] + 1e-12


def emd(table: Table, counts: Counter, n: int, distance: str) -> float:
    everything = Counter("" if v is None else str(v) for v in table.sensitive)
    total = len(table.sensitive)
    values = list(everything)
    p = {v: counts.get(v, 0) / n for v in values}
    q = {v: everything[v] / total for v in values}
    if distance == "equal":
        return sum(abs(p[v] - q[v]) for v in values) / 2
    if distance == "ordered":
        present = [v for v in values if v != ""]
        try:
            present.sort(key=float)
        except ValueError:
            present.sort()
        ordered = present + ([""] if "" in values else [])
        running, result = 0.0, 0.0
        for v in ordered:
            running += p[v] - q[v]
            result += abs(running)
        return result / (len(ordered) - 1) if len(ordered) > 1 else 0.0
    hierarchy = table.sensitive_hierarchy
    height = len(hierarchy[0]) - 1
    extra = {(0, row[0]): p.get(row[0], 0.0) - q.get(row[0], 0.0) for row in hierarchy}
    cost = 0.0
    for level in range(1, height + 1):
        children: dict[str, list[tuple]] = {}
        for row in hierarchy:
            children.setdefault(row[level], [])
            child = (level - 1, row[level - 1])
            if child not in children[row[level]]:
                children[row[level]].append(child)
        for node, kids in children.items():
            positive = sum(extra[k] for k in kids if extra[k] > 0)
            negative = -sum(extra[k] for k in kids if extra[k] < 0)
            extra[(level, node)] = positive - negative
            cost += level / height * min(positive, negative)
    return cost


def _floor10(value: float) -> float:
    return math.floor(value * 1e10) / 1e10


def loss(table: Table, levels: tuple[int, ...], groups: dict[tuple, list[int]], suppressed: set[tuple], metric: str) -> float:
    n = len(table.rows)
    sizes = {key: len(members) for key, members in groups.items()}
    if metric == "discernibility":
        return float(sum(s * s if key not in suppressed else n * s for key, s in sizes.items()))
    if metric == "discernibility_monotonic":
        return float(sum(s * s for s in sizes.values()))
    if metric == "aecs":
        kept = sum(1 for key in sizes if key not in suppressed)
        return n / (kept + (1 if suppressed else 0))
    columns = len(levels)
    if metric.startswith("non_uniform_entropy"):
        total = 0.0
        for j in range(columns):
            original = Counter("" if row[j] is None else str(row[j]) for row in table.rows)
            generalized = Counter(table.generalize(row, levels)[j] for row in table.rows)
            value = 0.0
            for v, a in original.items():
                b = generalized[_lookup(table.hierarchies[j], None if v == "" else v, levels[j])]
                value += a * -math.log2(a / b)
            if metric == "non_uniform_entropy":
                removed = [table.generalize(table.rows[i], levels)[j] for key in suppressed for i in groups[key]]
                for c in Counter(removed).values():
                    value += c * -math.log2(c / len(removed))
            total += _floor10(value)
        return total
    product = 1.0
    for j in range(columns):
        hierarchy = _with_missing(table, j)
        shares = Counter(row[levels[j]] for row in hierarchy)
        accumulated = 0.0
        for key, s in sizes.items():
            accumulated += s if key in suppressed else s * shares[key[j]] / len(hierarchy)
        minimum = n / len(hierarchy)
        normalized = (accumulated - minimum) / (n - minimum) if n != minimum else 0.0
        product *= (_floor10(max(normalized, 0.0)) + 1.0) ** (1.0 / columns)
    return product - 1.0


def _with_missing(table: Table, column: int) -> list[list[str]]:
    hierarchy = table.hierarchies[column]
    if any(row[column] is None for row in table.rows) and not any(r[0] == "" for r in hierarchy):
        return hierarchy + [[""] + ["*"] * (len(hierarchy[0]) - 1)]
    return hierarchy


@dataclass
class Outcome:
    levels: tuple[int, ...]
    loss: float
    suppressed_rows: int


def evaluate_node(table: Table, levels: tuple[int, ...], criteria: list[tuple], limit: int, metric: str) -> Outcome | None:
    """The node's outcome if it is acceptable, else None."""
    groups = table.classes(levels)
    suppressed = {key for key, members in groups.items() if not all(passes(table, members, c) for c in criteria)}
    removed = sum(len(groups[key]) for key in suppressed)
    if removed > limit:
        return None
    return Outcome(levels, loss(table, levels, groups, suppressed, metric), removed)


def brute_force(table: Table, criteria: list[tuple], limit: int, metric: str) -> Outcome | None:
    """The least loss over every acceptable node."""
    heights = [len(h[0]) for h in table.hierarchies]
    best = None
    for levels in itertools.product(*[range(h) for h in heights]):
        outcome = evaluate_node(table, levels, criteria, limit, metric)
        if outcome is not None and (best is None or outcome.loss < best.loss):
            best = outcome
    return best
