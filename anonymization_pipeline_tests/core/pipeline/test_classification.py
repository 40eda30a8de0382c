import pytest

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.pipeline.classification import classify_fields
from anonymization_pipeline.core.policy import validate_policy


def policy(unlisted: str = "reject"):
    return validate_policy(
        {
            "version": 1,
            "dataset": {
                "name": "people",
                "input": {"format": "csv", "path": "in.csv"},
                "output": {"format": "csv", "path": "out.csv"},
            },
            "unlisted_columns": unlisted,
            "fields": {
                "email": {"class": "direct_identifier", "method": "redact", "params": {"replacement": "x"}},
                "diagnosis": {"class": "sensitive", "method": "keep"},
            },
        }
    )


def test_every_listed_column_gets_its_class_and_method():
    classification = classify_fields(["email", "diagnosis"], policy())
    assert classification == {
        "fields": {
            "email": {"class": "direct_identifier", "method": "redact", "params": {"replacement": "x"}},
            "diagnosis": {"class": "sensitive", "method": "keep"} | {"params": {}},
        },
        "dropped_unlisted": [],
    }


def test_unlisted_columns_are_rejected_by_default_naming_them():
    with pytest.raises(InputDataError) as caught:
        classify_fields(["email", "diagnosis", "ssn", "notes"], policy())
    assert str(caught.value) == (
        "the input has columns 'ssn', 'notes' that the policy does not mention; "
        "add them to 'fields' or set 'unlisted_columns: drop'"
    )


def test_unlisted_columns_are_dropped_and_recorded_when_the_policy_says_so():
    assert classify_fields(["ssn", "email", "diagnosis"], policy("drop"))["dropped_unlisted"] == ["ssn"]


def test_a_policy_column_missing_from_the_input_is_an_input_error():
    with pytest.raises(InputDataError, match="^the input lacks column 'diagnosis' named in the policy$"):
        classify_fields(["email"], policy())
