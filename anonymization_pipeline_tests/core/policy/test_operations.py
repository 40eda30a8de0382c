"""The policy's schedule, owners and tags: validated with the policy, one line per mistake."""

import hashlib

import pytest

from anonymization_pipeline.core.errors import PolicyError
from anonymization_pipeline.core.policy import load_policy, validate_policy

BASE = {
    "version": 1,
    "dataset": {"name": "d", "input": {"format": "csv", "path": "/i.csv"}, "output": {"format": "csv", "path": "/o.csv"}},
    "fields": {"n": {"class": "non_sensitive", "method": "keep"}},
}


def test_defaults_are_daily_at_two_utc_without_owners_or_tags():
    policy = validate_policy(BASE)
    assert (policy.schedule.cron, policy.schedule.timezone, policy.owners, policy.tags) == ("0 2 * * *", "UTC", [], {})
    assert policy.schedule.hour_and_minute == (2, 0)


def test_a_given_schedule_owners_and_tags_are_kept():
    policy = validate_policy(
        BASE | {"schedule": {"cron": "30 3 * * 1", "timezone": "Europe/Berlin"}, "owners": ["team:research", "a@b.org"], "tags": {"domain": "census"}}
    )
    assert policy.schedule.hour_and_minute is None
    assert policy.owners == ["team:research", "a@b.org"] and policy.tags == {"domain": "census"}


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"schedule": {"cron": "daily"}}, "schedule.cron: 'daily' is not a cron expression of five fields (minute hour day month weekday)"),
        ({"schedule": {"timezone": "Mars/Olympus"}}, "schedule.timezone: 'Mars/Olympus' is not an IANA time zone such as UTC or Europe/Berlin"),
        ({"owners": ["research"]}, "owners: 'research' is not an owner: use an e-mail address or team:<name>"),
        ({"tags": {"domain": "a b"}}, "tags: tag domain: 'a b' must be 1-63 letters, digits, '_', '.' or '-'"),
    ],
)
def test_mistakes_are_one_line_each(section, message):
    with pytest.raises(PolicyError) as error:
        validate_policy(BASE | section)
    assert str(error.value) == message


def test_policy_sha256_is_the_files_bytes_and_survives_escalation(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("version: 1\ndataset: {name: d, input: {format: csv, path: i.csv}, output: {format: csv, path: o.csv}}\n"
                    "fields: {n: {class: quasi_identifier, hierarchy: {prefix: [1]}}}\nprivacy: {k: 2}\nretry: {ladder: [{k: 3}]}\n")
    policy = load_policy(path)
    assert policy.sha256() == hashlib.sha256(path.read_bytes()).hexdigest() == policy.at_rung(1).sha256()
