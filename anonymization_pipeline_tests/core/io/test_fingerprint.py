import hashlib
import json

import pandas as pd

from anonymization_pipeline.core.io import table_fingerprint
from anonymization_pipeline.core.io.fingerprint import update_with_content


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


def _content(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    update_with_content(digest, frame)
    return digest.hexdigest()


def test_the_content_digest_sees_every_cell_and_not_the_memory_layout():
    frame = pd.DataFrame(
        {
            "text": pd.Series(["a", None, "ccc", "dd"], dtype="str"),
            "count": pd.array([1, None, 3, 4], dtype="Int64"),
            "share": [0.5, float("nan"), 1.5, 2.0],
            "flag": pd.array([True, None, False, True], dtype="boolean"),
            "day": pd.to_datetime(["2024-01-01", None, "2024-03-01", "2024-04-01"]),
            "kind": pd.Categorical(["x", "y", "x", None]),
            "mixed": [1, "x", None, 2.5],
        }
    )
    reference = _content(frame)
    assert _content(frame.iloc[1:].reset_index(drop=True)) != reference
    assert _content(pd.concat([frame.iloc[:2], frame.iloc[2:]])) == reference  # other chunks, same cells
    assert _content(frame.set_axis([7, 8, 9, 10])) == reference  # the index is not content
    assert _content(frame.astype({"text": object})) == reference  # Python or Arrow strings alike
    for column in frame.columns:
        for order in ([1, 0, 2, 3], [2, 1, 0, 3]):  # two cells swapped: same dtype, other content
            swapped = frame.assign(**{column: frame[column].iloc[order].reset_index(drop=True)})
            if not swapped[column].equals(frame[column]):
                assert swapped.dtypes.equals(frame.dtypes)
                assert _content(swapped) != reference, (column, order)
    assert _content(frame.assign(text=["a", None, "cc", "cdd"])) != reference  # same bytes, other cut
