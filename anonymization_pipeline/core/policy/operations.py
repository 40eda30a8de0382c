"""How a policy's dataset is operated: when it runs, who owns it, how it is tagged.

These sections describe the release, not its privacy: the orchestrator turns them into the
dataset's schedule, and the owners and tags of every asset it publishes, so a platform team can
see in the UI who answers for a table and when it is refreshed.
"""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

CRON_FIELD = re.compile(r"^[0-9*/,\-A-Za-z?LW#]+$")
TAG_TEXT = re.compile(r"^[A-Za-z0-9_.\-]{1,63}$")
OWNER = re.compile(r"^(team:[A-Za-z0-9_\-]+|[^@\s]+@[^@\s]+\.[^@\s]+)$")


class Schedule(BaseModel):
    """When the dataset is refreshed: a five-field cron expression in a time zone.

    >>> Schedule(cron="0 2 * * *").timezone
    'UTC'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    cron: str = "0 2 * * *"
    timezone: str = "UTC"

    @field_validator("cron")
    @classmethod
    def _five_fields(cls, cron: str) -> str:
        parts = cron.split()
        if len(parts) != 5 or not all(CRON_FIELD.match(part) for part in parts):
            raise ValueError(f"'{cron}' is not a cron expression of five fields (minute hour day month weekday)")
        return cron

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, timezone: str) -> str:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{timezone}' is not an IANA time zone such as UTC or Europe/Berlin") from None
        return timezone

    @property
    def hour_and_minute(self) -> tuple[int, int] | None:
        """(hour, minute) when the cron runs once a day at a fixed time, else None."""
        minute, hour, day, month, weekday = self.cron.split()
        if minute.isdigit() and hour.isdigit() and day == month == weekday == "*":
            return int(hour), int(minute)
        return None


def check_owners(owners: list[str]) -> list[str]:
    """Owners are e-mail addresses or `team:<name>`, as the orchestrator shows them."""
    for owner in owners:
        if not OWNER.match(owner):
            raise ValueError(f"'{owner}' is not an owner: use an e-mail address or team:<name>")
    return owners


def check_tags(tags: dict[str, str]) -> dict[str, str]:
    """Tag keys and values: up to 63 letters, digits, `_`, `.` or `-`."""
    for key, value in tags.items():
        for text in (key, value):
            if not TAG_TEXT.match(str(text)):
                raise ValueError(f"tag {key}: '{text}' must be 1-63 letters, digits, '_', '.' or '-'")
    return tags


Owners = Annotated[list[str], AfterValidator(check_owners)]
Tags = Annotated[dict[str, str], AfterValidator(check_tags)]
