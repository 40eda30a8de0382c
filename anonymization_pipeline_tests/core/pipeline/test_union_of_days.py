from pathlib import Path

import pandas as pd
import pytest

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.pipeline import StageOutput, stages
from anonymization_pipeline.core.policy import load_policy

REPO = Path(__file__).resolve().parents[3]
POLICY = load_policy(REPO / "examples" / "daily" / "policy.yaml")
KEY = bytes(32)


def day(ids: list[str], columns: tuple[str, ...] = ("user_id", "sex")) -> StageOutput:
    frame = pd.DataFrame({name: [f"{name}{i}" for i in ids] for name in columns})
    return stages.ingest(frame, POLICY, "a day", KEY)


def test_days_are_united_oldest_first_and_counted_day_by_day():
    united = stages.union_of_days({"2026-11-03": day(["5"]), "2026-11-01": day(["1", "2"])}, POLICY, KEY)
    assert united.frame["user_id"].tolist() == ["user_id1", "user_id2", "user_id5"]
    audit = united.audits[stages.RAW_RECORDS]
    assert audit["days"] == {"2026-11-01": 2, "2026-11-03": 1}
    assert audit["rows"] == 3 and audit["source"] == "2 days, 2026-11-01 to 2026-11-03"
    assert audit["days_expired"] == []
    assert audit["fingerprint"] == stages.ingest(united.frame, POLICY, "", KEY).audits[stages.RAW_RECORDS]["fingerprint"]


def test_columns_in_another_order_are_aligned_and_other_columns_refused():
    reordered = day(["3"], columns=("sex", "user_id"))
    united = stages.union_of_days({"2026-11-01": day(["1"]), "2026-11-02": reordered}, POLICY, KEY)
    assert list(united.frame.columns) == ["user_id", "sex"] and united.frame["sex"].tolist() == ["sex1", "sex3"]
    with pytest.raises(InputDataError) as caught:
        stages.union_of_days({"2026-11-01": day(["1"]), "2026-11-02": day(["2"], columns=("user_id",))}, POLICY, KEY)
    assert str(caught.value) == "the input of 2026-11-02 has columns ['user_id'], but 2026-11-01 has ['sex', 'user_id']"


def test_no_day_read_yet_says_how_to_read_one():
    with pytest.raises(InputDataError, match=r"^no day of the input has been read yet: materialize a daily_arrivals partition, or run with --date YYYY-MM-DD$"):
        stages.union_of_days({}, POLICY, KEY)


def test_expired_days_are_named_and_none_left_is_an_error():
    united = stages.union_of_days({"2026-11-02": day(["2"])}, POLICY, KEY, expired=["2026-11-01"])
    assert united.audits[stages.RAW_RECORDS]["days_expired"] == ["2026-11-01"]
    policy = POLICY.model_copy(update={"retention": POLICY.retention.model_copy(update={"daily_arrivals": "30d"})})
    with pytest.raises(InputDataError, match=r"^every day read is past retention.daily_arrivals \(30d\)$"):
        stages.union_of_days({}, policy, KEY, expired=["2026-11-01"])
