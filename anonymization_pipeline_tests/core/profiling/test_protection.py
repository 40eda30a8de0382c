"""Suggested protection: valid operators and hierarchies that cover the data they were derived from."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.io import parse_location
from anonymization_pipeline.core.policy import Policy
from anonymization_pipeline.core.policy.model import IntervalHierarchy
from anonymization_pipeline.core.privacy.hierarchies import derive_hierarchy
from anonymization_pipeline.core.profiling import Kind, profile_frame, suggested_policy
from anonymization_pipeline.core.profiling.protection import hierarchy_for, interval_edges


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e7, 1e7, allow_nan=False, allow_infinity=False), min_size=1, max_size=300))
def test_interval_edges_increase_and_cover_every_sampled_value(numbers):
    edges = interval_edges(np.array(numbers))
    assert all(b > a for a, b in zip(edges, edges[1:]))
    assert edges[0] <= min(numbers) and max(numbers) <= edges[-1]
    IntervalHierarchy(intervals=edges)


def test_ages_get_quantile_intervals_up_to_150_that_the_privacy_engine_accepts():
    ages = pa.array([str(age) for age in range(17, 91)])
    spec = hierarchy_for(Kind.AGE, ages)
    assert spec == {"intervals": [0, 26, 35, 44, 54, 63, 72, 81, 150]}
    table = derive_hierarchy("age", IntervalHierarchy(**spec), np.array(["17", "90", "120"])).table
    assert dict(zip(table[:, 0], table[:, 1])) == {"17": "[0, 26)", "90": "[81, 150]", "120": "[81, 150]"}


def test_postcodes_dates_and_categories_get_prefix_date_and_suppression_levels():
    assert hierarchy_for(Kind.POSTAL_CODE, pa.array(["02139", "10001"])) == {"prefix": [3, 1]}
    assert hierarchy_for(Kind.POSTAL_CODE, pa.array(["SW1A 1AA", "EC1A 1BB"])) == {"prefix": [6, 1]}
    assert hierarchy_for(Kind.DATE_OF_BIRTH, pa.array(["1980-01-02"])) == {"dates": ["month", "year", "*"]}
    assert hierarchy_for(Kind.DATE_OF_BIRTH, pa.array(["02/01/1980"])) == {"prefix": [0]}
    assert hierarchy_for(Kind.SEX, pa.array(["F", "M"])) == {"prefix": [0]}


def test_the_suggested_policy_validates_with_every_class_and_no_quasi_identifier_means_no_privacy(tmp_path):
    frame = pd.DataFrame(
        {
            "email": [f"p{n}@example.org" for n in range(50)],
            "religion": ["Muslim", "Jewish"] * 25,
            "price": [f"{n * 1.37:.2f}" for n in range(50)],
        }
    )
    location = parse_location(str(tmp_path / "people.csv"))
    policy = suggested_policy(profile_frame(frame), location)
    assert "privacy" not in policy
    assert policy["fields"] == {
        "email": {"class": "direct_identifier", "method": "mask", "params": {"preset": "email"}},
        "religion": {"class": "sensitive", "method": "keep"},
        "price": {"class": "non_sensitive", "method": "keep"},
    }
    assert Policy.model_validate(policy).unlisted_columns == "reject"


def test_a_column_with_missing_written_as_words_gets_a_hierarchy_that_places_them(tmp_path):
    ages = [str(18 + n % 60) for n in range(300)] + ["?", "NA"]
    frame = pd.DataFrame({"age": ages, "age_clean": ages[:300] + ["", ""]})
    policy = suggested_policy(profile_frame(frame), parse_location(str(tmp_path / "people.csv")))
    assert policy["fields"]["age"]["hierarchy"] == {"prefix": [0]}
    assert "intervals" in policy["fields"]["age_clean"]["hierarchy"]
