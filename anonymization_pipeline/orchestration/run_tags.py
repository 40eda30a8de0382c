"""Run tags that link an escalated run to the run it retries, visible in the UI's run list."""

from __future__ import annotations

from collections.abc import Mapping

ATTEMPT = "anonymizer/attempt"
PARENT_RUN = "anonymizer/parent_run"
ROOT_RUN = "anonymizer/root_run"
LAUNCHED_BY = "anonymizer/launched_by"
ESCALATION = "anonymizer/escalation"


def attempt_of(tags: Mapping[str, str]) -> int:
    """1 for a run nobody escalated; the escalation sensor numbers the runs it launches."""
    return int(tags.get(ATTEMPT, "1"))
