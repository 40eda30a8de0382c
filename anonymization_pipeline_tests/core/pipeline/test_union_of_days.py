from pathlib import Path

import pandas as pd
import pytest

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.pipeline import StageOutput, stages
from anonymization_pipeline.core.io import describe_location
from anonymization_pipeline.core.io.daily_inputs import day_location, parse_day
from anonymization_pipeline.core.policy import Policy, load_policy

REPO = Path(__file__).resolve().parents[3]
POLICY = load_policy(REPO / "examples" / "daily" / "policy.yaml")
KEY = bytes(32)


def day(date: str, ids: list[str], columns: tuple[str, ...] = ("user_id", "sex"), policy: Policy = POLICY) -> StageOutput:
    """A day as `daily_arrivals` stores it: read from the policy's file for that date."""
    frame = pd.DataFrame({name: [f"{name}{i}" for i in ids] for name in columns})
    source = describe_location(day_location(policy.dataset.input, parse_day(date)))
    return stages.ingest(frame, policy, source, KEY)


def unite(days: dict[str, StageOutput], **options) -> StageOutput:
    return stages.union_of_days(days, POLICY, POLICY.dataset.input, KEY, **options)


def test_days_are_united_oldest_first_and_counted_day_by_day():
    united = unite({"2026-11-03": day("2026-11-03", ["5"]), "2026-11-01": day("2026-11-01", ["1", "2"])})
    assert united.frame["user_id"].tolist() == ["user_id1", "user_id2", "user_id5"]
    audit = united.audits[stages.RAW_RECORDS]
    assert audit["days"] == {"2026-11-01": 2, "2026-11-03": 1}
    assert audit["rows"] == 3 and audit["source"] == "2 days, 2026-11-01 to 2026-11-03"
    assert audit["days_expired"] == []
    assert audit["fingerprint"] == stages.ingest(united.frame, POLICY, "", KEY).audits[stages.RAW_RECORDS]["fingerprint"]


def test_columns_in_another_order_are_aligned_and_other_columns_refused():
    reordered = day("2026-11-02", ["3"], columns=("sex", "user_id"))
    united = unite({"2026-11-01": day("2026-11-01", ["1"]), "2026-11-02": reordered})
    assert list(united.frame.columns) == ["user_id", "sex"] and united.frame["sex"].tolist() == ["sex1", "sex3"]
    with pytest.raises(InputDataError) as caught:
        unite({"2026-11-01": day("2026-11-01", ["1"]), "2026-11-02": day("2026-11-02", ["2"], columns=("user_id",))})
    assert str(caught.value) == "the input of 2026-11-02 has columns ['user_id'], but 2026-11-01 has ['sex', 'user_id']"


def test_no_day_read_yet_says_how_to_read_one():
    with pytest.raises(InputDataError, match=r"^no day of the input has been read yet: materialize a daily_arrivals partition, or run with --date YYYY-MM-DD$"):
        unite({})


def test_expired_days_are_named_and_none_left_is_an_error():
    united = unite({"2026-11-02": day("2026-11-02", ["2"])}, expired=["2026-11-01"])
    assert united.audits[stages.RAW_RECORDS]["days_expired"] == ["2026-11-01"]
    policy = POLICY.model_copy(update={"retention": POLICY.retention.model_copy(update={"daily_arrivals": "30d"})})
    with pytest.raises(InputDataError, match=r"^every day read is past retention.daily_arrivals \(30d\)$"):
        stages.union_of_days({}, policy, policy.dataset.input, KEY, expired=["2026-11-01"])


def test_a_day_read_from_elsewhere_or_for_another_dataset_is_refused():
    elsewhere = POLICY.dataset.input.model_copy(update={"path": Path("/elsewhere/users_{date}.csv")})
    moved = POLICY.model_copy(update={"dataset": POLICY.dataset.model_copy(update={"input": elsewhere})})
    with pytest.raises(InputDataError) as caught:
        unite({"2026-11-01": day("2026-11-01", ["1"]), "2026-11-02": day("2026-11-02", ["2"], policy=moved)})
    assert str(caught.value) == (
        "the stored 2026-11-02 was read from CSV file /elsewhere/users_2026-11-02.csv for dataset 'daily_users', "
        f"not from CSV file {REPO}/examples/daily/data/users_2026-11-02.csv for 'daily_users': "
        "read the day again (--date 2026-11-02)"
    )
    renamed = POLICY.model_copy(update={"dataset": POLICY.dataset.model_copy(update={"name": "other"})})
    with pytest.raises(InputDataError, match=r"for dataset 'other', not from .* for 'daily_users'"):
        unite({"2026-11-01": day("2026-11-01", ["1"], policy=renamed)})
