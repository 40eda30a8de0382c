"""The optimal search agrees with brute force over the whole lattice on small random tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.privacy.closeness import EqualDistanceTCloseness, HierarchicalDistanceTCloseness, OrderedDistanceTCloseness
from anonymization_pipeline.core.privacy.criteria import DistinctLDiversity, EntropyLDiversity, KAnonymity, RecursiveCLDiversity
from anonymization_pipeline.core.privacy.encoding import encode_table
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy
from anonymization_pipeline.core.privacy.lattice_search import optimal_search
from anonymization_pipeline.core.privacy.likeness import BetaLikeness, DeltaDisclosure
from anonymization_pipeline.core.privacy.metrics import METRICS, make_metric
from anonymization_pipeline_tests.core.privacy import naive

SENSITIVE_HIERARCHY = [["1", "low", "*"], ["2", "low", "*"], ["3", "mid", "*"], ["10", "high", "*"], ["", "high", "*"]]


@st.composite
def hierarchies(draw, values: list[str]) -> list[list[str]]:
    """A consistent hierarchy: each level groups the nodes of the level below."""
    rows = [[v] for v in values]
    nodes = list(range(len(values)))
    for level in range(1, draw(st.integers(1, 3)) + 1):
        distinct = sorted(set(nodes))
        groups = draw(st.integers(1, max(1, len(distinct) - 1)))
        parent = {node: draw(st.integers(0, groups - 1)) for node in distinct}
        nodes = [parent[node] for node in nodes]
        for row, node in zip(rows, nodes):
            row.append(f"L{level}.{node}")
    return rows


@st.composite
def problems(draw):
    columns = draw(st.integers(1, 3))
    tables, data = [], []
    size = draw(st.integers(6, 40))
    missing = draw(st.booleans())
    for j in range(columns):
        values = [f"c{j}v{i}" for i in range(draw(st.integers(2, 5)))]
        tables.append(draw(hierarchies(values)))
        choices = values + ([None] if missing else [])
        data.append(draw(st.lists(st.sampled_from(choices), min_size=size, max_size=size)))
    sensitive_values = draw(st.sampled_from([["1", "2", "3", "10"], ["1", "2", "10", None], ["a", "b", "c"]]))
    sensitive = draw(st.lists(st.sampled_from(sensitive_values), min_size=size, max_size=size))
    criteria = []
    if draw(st.booleans()):
        criteria.append(("k", draw(st.integers(2, 5))))
    kind = draw(st.sampled_from(["none", "distinct", "entropy", "recursive", "equal", "ordered", "hierarchical", "beta", "enhanced", "delta"]))
    if kind == "distinct":
        criteria.append(("distinct", 2))
    elif kind == "entropy":
        criteria.append(("entropy", draw(st.sampled_from([1.7, 2.3]))))
    elif kind == "recursive":
        criteria.append(("recursive", draw(st.sampled_from([1.5, 3.0])), 2))
    elif kind in ("beta", "enhanced", "delta"):
        criteria.append((kind, draw(st.sampled_from([0.6, 1.3]))))
    elif kind in ("equal", "ordered") or (kind == "hierarchical" and "a" not in sensitive_values):
        criteria.append(("t", kind, draw(st.sampled_from([0.2137, 0.3791]))))
    if not criteria:
        criteria.append(("k", 2))
    rate = draw(st.sampled_from([0.0, 0.1, 0.3]))
    metric = draw(st.sampled_from(sorted(METRICS)))
    table = naive.Table(list(zip(*data)), tables, sensitive, SENSITIVE_HIERARCHY)
    return table, criteria, math.floor(rate * size), metric


def _engine_criteria(criteria, table):
    attribute = table.sensitive["s"]
    made = []
    for c in criteria:
        if c[0] == "k":
            made.append(KAnonymity(c[1]))
        elif c[0] == "distinct":
            made.append(DistinctLDiversity("s", c[1]))
        elif c[0] == "entropy":
            made.append(EntropyLDiversity("s", c[1]))
        elif c[0] == "recursive":
            made.append(RecursiveCLDiversity("s", c[1], c[2]))
        elif c[0] in ("beta", "enhanced"):
            made.append(BetaLikeness(attribute, c[1], c[0] == "enhanced"))
        elif c[0] == "delta":
            made.append(DeltaDisclosure(attribute, c[1]))
        else:
            kind = {"equal": EqualDistanceTCloseness, "ordered": OrderedDistanceTCloseness, "hierarchical": HierarchicalDistanceTCloseness}
            made.append(kind[c[1]](attribute, c[2]))
    return made


def _run_engine(problem: naive.Table, criteria, limit, metric):
    names = [f"q{j}" for j in range(len(problem.hierarchies))]
    frame = pd.DataFrame({name: [row[j] for row in problem.rows] for j, name in enumerate(names)})
    frame["s"] = problem.sensitive
    hierarchies = {name: Hierarchy.from_rows(name, rows) for name, rows in zip(names, problem.hierarchies)}
    sensitive_hierarchy = Hierarchy.from_rows("s", problem.sensitive_hierarchy)
    table = encode_table(frame, hierarchies, names, {"s": sensitive_hierarchy if any(c[1] == "hierarchical" for c in criteria if c[0] == "t") else None})
    return optimal_search(table, _engine_criteria(criteria, table), make_metric(metric, table), limit)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_search_finds_the_brute_force_optimum(problem):
    table, criteria, limit, metric = problem
    expected = naive.brute_force(table, criteria, limit, metric)
    found = _run_engine(table, criteria, limit, metric)

    if expected is None:
        assert found is None
        return
    assert found is not None
    assert found.loss == pytest.approx(expected.loss, rel=1e-9, abs=1e-9)
    chosen = naive.evaluate_node(table, found.levels, criteria, limit, metric)
    assert chosen is not None, "the chosen node is not acceptable"
    assert chosen.loss == pytest.approx(found.loss, rel=1e-9, abs=1e-9)
    assert found.evaluation.suppressed_rows == chosen.suppressed_rows <= limit


def test_checks_fewer_nodes_than_the_lattice_when_pruning_is_sound():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"a": rng.integers(0, 8, 400).astype(str), "b": rng.integers(0, 8, 400).astype(str)})
    rows = [[str(v), f"p{v // 2}", f"q{v // 4}", "*"] for v in range(8)]
    hierarchies = {name: Hierarchy.from_rows(name, rows) for name in "ab"}
    table = encode_table(frame, hierarchies, ["a", "b"], {})
    found = optimal_search(table, [KAnonymity(20)], make_metric("discernibility", table), 0)

    assert found.nodes_checked < 16
    assert found.evaluation.classes.sizes.min() >= 20
