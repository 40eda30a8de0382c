"""What every data-holding stage hands to the next: the table, and the audit records so far.

Audits travel with the data (the Parquet IO manager stores them in the file's metadata), so the
publish stage can assemble the whole report from its own input, in the CLI, the Python API and
Dagster alike. Audits hold figures and names only, never a value of the data or a key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class StageOutput:
    frame: pd.DataFrame
    audits: dict[str, dict[str, Any]] = field(default_factory=dict)

    def then(self, stage: str, frame: pd.DataFrame, audit: dict[str, Any]) -> StageOutput:
        """The output of the next stage: a new frame, with that stage's audit appended."""
        return StageOutput(frame, {**self.audits, stage: audit})
