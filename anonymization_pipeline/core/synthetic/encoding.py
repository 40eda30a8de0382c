"""Real and synthetic columns read the same way for the evaluation: one kind per column (decided
on real and synthetic values together), numbers as floats, categories as shared integer codes
with null a code of its own."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from anonymization_pipeline.core.synthetic.columns import Kind, read_column

TRAIN, HOLDOUT, SYNTHETIC = 0, 1, 2
"""The parts an evaluation stacks, in this order: training rows, hold-out rows, synthetic rows."""


@dataclass(frozen=True)
class SharedColumn:
    """One column of several frames, stacked: `numbers` (NaN for null) or `codes`, and where each
    frame's rows start and end."""

    name: str
    kind: Kind
    numbers: np.ndarray | None
    codes: np.ndarray | None
    bounds: list[int]

    def part(self, index: int) -> np.ndarray:
        values = self.codes if self.codes is not None else self.numbers
        return values[self.bounds[index] : self.bounds[index + 1]]

    @property
    def numeric(self) -> bool:
        return self.kind != "category"


def shared_columns(*frames: pd.DataFrame) -> list[SharedColumn]:
    """Each column of `frames` (same columns) read once over all of them."""
    bounds = list(np.cumsum([0, *(len(frame) for frame in frames)]))
    columns = []
    for name in frames[0].columns:
        values = read_column(pd.concat([frame[name] for frame in frames], ignore_index=True))
        if values.kind == "category":
            codes = np.where(values.codes < 0, len(values.distinct), values.codes).astype(np.int64)
            columns.append(SharedColumn(str(name), "category", None, codes, bounds))
        else:
            columns.append(SharedColumn(str(name), values.kind, values.numbers, None, bounds))
    return columns
