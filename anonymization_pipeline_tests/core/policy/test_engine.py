"""The `engine` policy field: pandas unless the policy says spark; anything else is refused."""

from __future__ import annotations

import pytest

from anonymization_pipeline.core.errors import PolicyError
from anonymization_pipeline.core.policy import validate_policy
from anonymization_pipeline_tests.conftest import adult_policy_document


def test_the_engine_is_pandas_unless_the_policy_says_spark(tmp_path):
    assert validate_policy(adult_policy_document(tmp_path / "o.parquet")).engine == "pandas"
    assert validate_policy(adult_policy_document(tmp_path / "o.parquet", engine="spark")).engine == "spark"


def test_an_unknown_engine_is_one_line_naming_the_choices(tmp_path):
    with pytest.raises(PolicyError) as refusal:
        validate_policy(adult_policy_document(tmp_path / "o.parquet", engine="dask"))
    assert str(refusal.value) == "engine: 'dask' is not one of: 'pandas' or 'spark'"
