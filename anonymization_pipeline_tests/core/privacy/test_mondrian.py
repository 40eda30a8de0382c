"""Mondrian partitioning: median splits, criteria as split constraints, readable labels."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from anonymization_pipeline.core.privacy.classes import grouped_classes
from anonymization_pipeline.core.privacy.criteria import DistinctLDiversity, KAnonymity
from anonymization_pipeline.core.privacy.encoding import encode_table
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy
from anonymization_pipeline.core.privacy.mondrian import mondrian, partition_labels

AGES = Hierarchy.from_rows("age", [[str(a), "*"] for a in (20, 30, 40, 50)])
CITY = Hierarchy.from_rows("city", [["Bonn", "West", "*"], ["Köln", "West", "*"], ["Jena", "East", "*"], ["Gera", "East", "*"]])


def _table(frame: pd.DataFrame, sensitive: dict | None = None):
    hierarchies = {"age": AGES, "city": CITY}
    return encode_table(frame, {c: hierarchies[c] for c in frame.columns if c in hierarchies}, [c for c in frame.columns if c in hierarchies], sensitive or {})


def test_numeric_column_splits_at_the_median_into_ranges():
    table = _table(pd.DataFrame({"age": [20, 30, 40, 50]}))

    result = mondrian(table, [KAnonymity(2)])
    labels = partition_labels(result)[0][result.tuple_partition[table.row_tuple]]

    assert labels.tolist() == ["[20, 30]", "[20, 30]", "[40, 50]", "[40, 50]"]


def test_categorical_sets_that_match_a_hierarchy_node_are_named_after_it():
    table = _table(pd.DataFrame({"city": ["Bonn", "Köln", "Jena", "Gera", "Bonn", "Jena"]}))

    result = mondrian(table, [KAnonymity(3)])
    labels = partition_labels(result)[0][result.tuple_partition[table.row_tuple]]

    assert labels.tolist() == ["West", "West", "East", "East", "West", "East"]


def test_value_sets_without_a_node_are_listed():
    table = _table(pd.DataFrame({"city": ["Gera", "Gera", "Gera", "Jena", "Bonn", "Köln"]}))

    result = mondrian(table, [KAnonymity(2)])
    labels = partition_labels(result)[0][result.tuple_partition[table.row_tuple]]

    assert labels.tolist() == ["Gera", "Gera", "Gera", "{Jena, Bonn, Köln}", "{Jena, Bonn, Köln}", "{Jena, Bonn, Köln}"]


def test_l_diversity_constrains_the_splits():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"age": rng.choice([20, 30, 40, 50], 200), "city": rng.choice(["Bonn", "Köln", "Jena", "Gera"], 200)})
    frame["illness"] = np.where(frame["age"] < 35, rng.choice(["flu", "cold"], 200), rng.choice(["flu", "cancer", "gout"], 200))
    table = _table(frame, {"illness": None})

    result = mondrian(table, [KAnonymity(4), DistinctLDiversity("illness", 3)])

    partition = result.tuple_partition[table.row_tuple]
    for _, group in frame.groupby(partition):
        assert len(group) >= 4 and len(Counter(group["illness"])) >= 3
    assert result.count > 1
    classes = grouped_classes(table, result.tuple_partition, result.count)
    assert classes.sizes.tolist() == result.sizes.tolist()


def test_no_partitioning_when_the_whole_table_fails():
    table = _table(pd.DataFrame({"age": [20, 30]}))

    assert mondrian(table, [KAnonymity(3)]) is None
