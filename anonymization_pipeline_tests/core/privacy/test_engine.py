"""The engine end to end: ARX's reference results on Adult, output properties, and errors."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.datasets.adult import ADULT_QUASI_IDENTIFIERS, load_adult
from anonymization_pipeline.core.errors import ConfigurationError, InputDataError, PrivacyTargetNotMet
from anonymization_pipeline.core.policy.model import Policy
from anonymization_pipeline.core.privacy import anonymize_quasi_identifiers, build_hierarchies
from anonymization_pipeline_tests.core.privacy import naive
from anonymization_pipeline_tests.core.privacy.adult_policies import adult_policy

EIGHT = [c for c in ADULT_QUASI_IDENTIFIERS if c != "occupation"]


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return load_adult()


@pytest.mark.parametrize(
    ("privacy", "quasi_identifiers", "sensitive", "levels", "loss", "suppressed"),
    [
        ({"k": 5, "max_suppression": 0.0, "metric": "discernibility"}, ADULT_QUASI_IDENTIFIERS, None, [1, 1, 1, 2, 3, 2, 2, 1, 1], 33627534, 0),
        (
            {"k": 5, "max_suppression": 0.04, "metric": "non_uniform_entropy_monotonic"},
            ADULT_QUASI_IDENTIFIERS,
            None,
            [1, 0, 1, 1, 3, 2, 2, 0, 1],
            255559.85455731067,
            906,
        ),
        (
            {"k": 100, "max_suppression": 0.0, "metric": "non_uniform_entropy_monotonic"},
            ADULT_QUASI_IDENTIFIERS,
            None,
            [0, 4, 1, 1, 3, 2, 2, 1, 1],
            453196.8932458743,
            0,
        ),
        (
            {
                "l_diversity": {"attribute": "occupation", "l": 5, "variant": "entropy"},
                "max_suppression": 0.04,
                "metric": "non_uniform_entropy",
            },
            EIGHT,
            "occupation",
            [1, 0, 1, 1, 2, 2, 2, 1],
            228878.2039109517,
            753,
        ),
        (
            {
                "t_closeness": {"attribute": "occupation", "t": 0.2, "distance": "hierarchical"},
                "k": 100,
                "max_suppression": 0.04,
                "metric": "non_uniform_entropy_monotonic",
            },
            EIGHT,
            "occupation",
            [1, 4, 1, 0, 3, 1, 2, 1],
            390436.40440636466,
            628,
        ),
    ],
    ids=["k5-dm", "k5-4pct-nue-monotonic", "k100-nue-monotonic", "entropy-l5-4pct-nue", "hierarchical-t-k100-4pct-nue-monotonic"],
)
def test_matches_arx_reference_results_on_adult(adult, privacy, quasi_identifiers, sensitive, levels, loss, suppressed):
    result = anonymize_quasi_identifiers(adult, adult_policy(privacy, quasi_identifiers, sensitive))

    assert list(result.summary["transformation"].values()) == levels
    assert list(result.summary["transformation"]) == quasi_identifiers
    assert result.summary["information_loss"] == pytest.approx(loss, rel=1e-9)
    assert result.summary["suppressed_rows"] == suppressed
    assert int(result.suppressed.sum()) == suppressed


def test_every_published_class_meets_every_criterion_and_other_columns_pass_through(adult):
    privacy = {
        "k": 10,
        "l_diversity": {"attribute": "occupation", "l": 3, "variant": "recursive", "c": 4},
        "max_suppression": 0.05,
        "metric": "loss",
    }
    result = anonymize_quasi_identifiers(adult, adult_policy(privacy, EIGHT, "occupation"))

    kept = result.frame[~result.suppressed]
    limit = math.floor(0.05 * len(adult))
    assert int(result.suppressed.sum()) <= limit
    for _, group in kept.groupby(EIGHT):
        counts = sorted(Counter(group["occupation"]).values(), reverse=True)
        assert len(group) >= 10
        assert len(counts) >= 3 and counts[0] < 4 * sum(counts[2:])
    assert (result.frame.loc[result.suppressed, EIGHT] == "*").all().all()
    assert result.frame["occupation"].equals(adult["occupation"])
    assert list(result.frame.columns) == list(adult.columns)
    assert result.summary["min_class_size"] >= 10 and result.summary["l_achieved"] >= 3


def test_remove_drops_suppressed_rows_and_keeps_order(adult):
    privacy = {"k": 5, "max_suppression": 0.04, "metric": "non_uniform_entropy_monotonic", "suppression": "remove"}
    result = anonymize_quasi_identifiers(adult, adult_policy(privacy))

    assert len(result.frame) == len(adult) - 906
    assert result.frame.index.equals(adult.index[~result.suppressed])


def _small_policy(tmp_path, privacy, hierarchy_rows=None, sensitive_hierarchy=None) -> Policy:
    table = tmp_path / "zone.csv"
    rows = hierarchy_rows or ["north;N;*", "south;S;*", "east;E;*", "west;W;*"]
    table.write_text("\n".join(rows) + "\n")
    fields = {
        "zone": {"class": "quasi_identifier", "hierarchy": {"table": str(table)}},
        "age": {"class": "quasi_identifier", "hierarchy": {"intervals": [0, 20, 40, 60, 80, 100]}},
        "illness": {"class": "sensitive", "method": "keep"},
        "note": {"class": "non_sensitive", "method": "keep"},
    }
    if sensitive_hierarchy is not None:
        path = tmp_path / "illness.csv"
        path.write_text("\n".join(sensitive_hierarchy) + "\n")
        fields["illness"]["hierarchy"] = {"table": str(path)}
    return Policy.model_validate(
        {
            "version": 1,
            "dataset": {"name": "t", "input": {"format": "csv", "path": str(tmp_path / "in.csv")}, "output": {"format": "csv", "path": str(tmp_path / "out.csv")}},
            "fields": fields,
            "privacy": privacy,
        }
    )


def _small_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "zone": ["north", "south", "north", None, "east", "west", "north", np.nan, "south", "east"],
            "age": [23, 25, 37, 41, 45, 52, 28, 33, 61, 64],
            "illness": ["flu", "cold", "flu", "cancer", "flu", "cold", "cancer", "flu", "cold", "flu"],
            "note": list("abcdefghij"),
        },
        index=[10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    )


def test_missing_quasi_identifier_values_are_a_value_of_their_own(tmp_path):
    frame = _small_frame()
    result = anonymize_quasi_identifiers(frame, _small_policy(tmp_path, {"k": 2, "max_suppression": 0.0, "metric": "discernibility"}))

    zone_level = result.summary["transformation"]["zone"]
    missing = frame["zone"].isna().to_numpy()
    if zone_level == 0:
        assert result.frame["zone"][missing].isna().all()
    else:
        assert (result.frame["zone"][missing] == "*").all()
    assert len(result.frame) == len(frame)
    assert result.frame["note"].equals(frame["note"])
    assert result.frame.index.equals(frame.index)
    assert result.frame["zone"].dtype == "str" and result.frame["age"].dtype == "str"


def test_missing_values_generalize_to_star_above_level_zero(tmp_path):
    frame = _small_frame()
    policy = _small_policy(tmp_path, {"k": 10, "max_suppression": 0.0, "metric": "discernibility"})
    result = anonymize_quasi_identifiers(frame, policy)

    assert result.summary["transformation"]["zone"] >= 1
    assert (result.frame["zone"][frame["zone"].isna().to_numpy()] == "*").all()
    assert result.summary["equivalence_classes"] == 1


def test_k_larger_than_the_table_is_a_clear_error(tmp_path):
    with pytest.raises(PrivacyTargetNotMet, match=r"k=11 is larger than the number of rows \(10\)") as error:
        anonymize_quasi_identifiers(_small_frame(), _small_policy(tmp_path, {"k": 11}))
    assert error.value.exit_code == 1


def test_l_above_the_distinct_sensitive_values_is_a_clear_error(tmp_path):
    privacy = {"l_diversity": {"attribute": "illness", "l": 4, "variant": "distinct"}}
    with pytest.raises(PrivacyTargetNotMet, match="needs 4 distinct values of 'illness'.*has only 3"):
        anonymize_quasi_identifiers(_small_frame(), _small_policy(tmp_path, privacy))


def test_unreachable_target_with_too_little_suppression_is_a_clear_error(tmp_path):
    frame = _small_frame().assign(zone="north", age=30)
    privacy = {"l_diversity": {"attribute": "illness", "l": 2.9, "variant": "entropy"}, "max_suppression": 0.1}
    with pytest.raises(PrivacyTargetNotMet, match="no generalization of zone, age meets entropy 2.9-diversity.*at most 1 suppressed rows"):
        anonymize_quasi_identifiers(frame, _small_policy(tmp_path, privacy))


def test_values_missing_from_a_hierarchy_are_listed(tmp_path):
    frame = _small_frame().assign(zone=["north", "mars", "venus", "south", "east", "west", "north", "mars", "south", "east"])
    with pytest.raises(InputDataError, match=r"column 'zone': 2 distinct value\(s\) in \d+ row\(s\) are not in its hierarchy"):
        anonymize_quasi_identifiers(frame, _small_policy(tmp_path, {"k": 2}))


def test_inconsistent_hierarchy_is_a_configuration_error(tmp_path):
    rows = ["north;N;*", "south;N;X", "east;E;*", "west;W;*"]
    with pytest.raises(ConfigurationError, match="1 level 1 node\\(s\\) generalize to more than one level 2 node"):
        anonymize_quasi_identifiers(_small_frame(), _small_policy(tmp_path, {"k": 2}, hierarchy_rows=rows))


def test_hierarchical_t_closeness_uses_the_sensitive_hierarchy(tmp_path):
    illness = ["flu;respiratory;*", "cold;respiratory;*", "cancer;chronic;*"]
    privacy = {"t_closeness": {"attribute": "illness", "t": 0.25, "distance": "hierarchical"}, "max_suppression": 0.0}
    policy = _small_policy(tmp_path, privacy, sensitive_hierarchy=illness)
    result = anonymize_quasi_identifiers(_small_frame(), policy)

    assert set(build_hierarchies(policy, _small_frame())) == {"zone", "age", "illness"}
    assert result.summary["t_achieved"] <= 0.25
    assert result.summary["criteria"] == ["0.25-closeness (hierarchical distance) on 'illness'"]


def test_summary_is_json_safe(adult):
    import json

    result = anonymize_quasi_identifiers(adult, adult_policy({"k": 5, "metric": "aecs", "max_suppression": 0.02}))
    assert json.loads(json.dumps(result.summary)) == result.summary
    assert result.summary["nodes_checked"] > 0 and result.summary["algorithm"] == "optimal"


def test_mondrian_through_the_policy(adult):
    quasi = [c for c in ADULT_QUASI_IDENTIFIERS if c != "salary-class"]
    result = anonymize_quasi_identifiers(adult, adult_policy({"k": 5, "algorithm": "mondrian"}, quasi))

    sizes = result.frame.groupby(quasi).size()
    assert sizes.min() >= 5
    assert int((sizes**2).sum()) == result.summary["information_loss"] <= 312_784
    assert result.summary["transformation"] == {c: None for c in quasi}
    assert result.summary["equivalence_classes"] == len(sizes)


@st.composite
def random_problems(draw):
    size = draw(st.integers(8, 40))
    zones = draw(st.lists(st.sampled_from(["north", "south", "east", "west", None]), min_size=size, max_size=size))
    ages = draw(st.lists(st.integers(0, 99), min_size=size, max_size=size))
    illness = draw(st.lists(st.sampled_from(["flu", "cold", "cancer", None]), min_size=size, max_size=size))
    privacy = {"max_suppression": draw(st.sampled_from([0.0, 0.1, 0.25])), "metric": draw(st.sampled_from(["loss", "non_uniform_entropy", "discernibility"]))}
    if draw(st.booleans()):
        privacy["k"] = draw(st.integers(2, 4))
    model = draw(st.sampled_from(["none", "distinct", "entropy", "equal", "ordered"]))
    if model in ("distinct", "entropy"):
        privacy["l_diversity"] = {"attribute": "illness", "l": 2 if model == "distinct" else 1.8, "variant": model}
    elif model != "none":
        privacy["t_closeness"] = {"attribute": "illness", "t": 0.3137, "distance": model}
    if "k" not in privacy and model == "none":
        privacy["k"] = 2
    privacy["suppression"] = draw(st.sampled_from(["mask", "remove"]))
    return pd.DataFrame({"zone": zones, "age": ages, "illness": illness, "note": range(size)}), privacy


def _naive_criteria(privacy: dict) -> list[tuple]:
    criteria = [("k", privacy["k"])] if "k" in privacy else []
    if "l_diversity" in privacy:
        criteria.append((privacy["l_diversity"]["variant"], privacy["l_diversity"]["l"]))
    if "t_closeness" in privacy:
        criteria.append(("t", privacy["t_closeness"]["distance"], privacy["t_closeness"]["t"]))
    return criteria


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(problem=random_problems())
def test_published_classes_meet_every_criterion_within_the_suppression_limit(tmp_path, problem):
    frame, privacy = problem
    policy = _small_policy(tmp_path, privacy)
    try:
        result = anonymize_quasi_identifiers(frame, policy)
    except PrivacyTargetNotMet:
        return
    limit = math.floor(privacy["max_suppression"] * len(frame))
    assert result.suppressed.sum() == result.summary["suppressed_rows"] <= limit
    kept_rows = np.flatnonzero(~result.suppressed)
    published = result.frame if privacy["suppression"] == "mask" else result.frame.set_axis(kept_rows)
    kept = published.loc[kept_rows] if privacy["suppression"] == "mask" else published
    reference = naive.Table([()] * len(frame), [], list(frame["illness"]))
    for _, group in kept.groupby(["zone", "age"], dropna=False):
        members = list(group.index)
        for criterion in _naive_criteria(privacy):
            assert naive.passes(reference, members, criterion), (criterion, members)
    assert published["note"].tolist() == frame["note"].iloc[kept_rows if privacy["suppression"] == "remove" else slice(None)].tolist()
