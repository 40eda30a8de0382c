import hashlib
import json

import pandas as pd

from anonymization_pipeline.core.io import table_fingerprint


def test_fingerprint_has_counts_names_and_a_schema_hash_but_no_values():
    frame = pd.DataFrame({"zip": pd.Series(["01234", "secret"], dtype="str"), "age": [30, 40]})
    fingerprint = table_fingerprint(frame)
    expected_hash = hashlib.sha256(json.dumps([["zip", "str"], ["age", "int64"]]).encode()).hexdigest()
    assert fingerprint == {"rows": 2, "columns": ["zip", "age"], "schema_sha256": expected_hash}
    assert "secret" not in json.dumps(fingerprint) and "01234" not in json.dumps(fingerprint)


def test_the_schema_hash_follows_names_and_types_not_values():
    frame = pd.DataFrame({"zip": ["01234"], "age": [30]})
    same_schema = pd.DataFrame({"zip": ["99999"], "age": [99]})
    assert table_fingerprint(frame)["schema_sha256"] == table_fingerprint(same_schema)["schema_sha256"]
    assert table_fingerprint(frame)["schema_sha256"] != table_fingerprint(frame.astype({"age": "float64"}))["schema_sha256"]
    assert table_fingerprint(frame)["schema_sha256"] != table_fingerprint(frame[["age", "zip"]])["schema_sha256"]
