"""A small table of people and a policy over it, for tests that run the whole CLI many times.

Every direct identifier holds values that can be recognised in any message or file (`SSN-…`,
distinctive e-mail local parts), so a test can scan what the pipeline wrote or said for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml


@dataclass(frozen=True)
class SmallCase:
    policy: Path
    input: Path
    output: Path
    frame: pd.DataFrame

    def raw_identifiers(self) -> list[str]:
        """The values that must never appear in a message, a log or a published file."""
        return [*self.frame["email"], *self.frame["ssn"], *self.frame["name"]]


def small_frame(rows: int = 60, seed: int = 0, tag: str = "a") -> pd.DataFrame:
    """`rows` people; `tag` goes into every identifier so two inputs can be told apart."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "name": [f"Person{tag.upper()}{i:04d}Zq" for i in range(rows)],
            "email": [f"secret.{tag}{i:04d}.xq@example.org" for i in range(rows)],
            "ssn": [f"{700 + seed:03d}-{i // 100:02d}-{4000 + i:04d}" for i in range(rows)],
            "zipcode": [f"{z:05d}" for z in rng.choice([10115, 10117, 10119, 20095], rows)],
            "score": [str(v) for v in rng.integers(0, 3, rows)],
            "source": [tag] * rows,
        }
    )


def small_policy_document(input_path: Path, output: Path, **sections: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "version": 1,
        "dataset": {
            "name": "people",
            "input": {"format": "csv", "path": str(input_path)},
            "output": {"format": "csv", "path": str(output)},
        },
        "fields": {
            "name": {"class": "direct_identifier", "method": "drop"},
            "email": {"class": "direct_identifier", "method": "mask", "params": {"preset": "email", "keep_first": 0}},
            "ssn": {"class": "direct_identifier", "method": "drop"},
            "zipcode": {"class": "quasi_identifier", "hierarchy": {"prefix": [3, 1]}},
            "score": {"class": "non_sensitive", "method": "keep"},
            "source": {"class": "non_sensitive", "method": "keep"},
        },
        "privacy": {"k": 2},
    }
    document.update(sections)
    return document


def write_small_case(folder: Path, rows: int = 60, seed: int = 0, tag: str = "a", **sections: Any) -> SmallCase:
    folder.mkdir(parents=True, exist_ok=True)
    frame = small_frame(rows, seed, tag)
    input_path = folder / f"people_{tag}.csv"
    frame.to_csv(input_path, index=False)
    output = folder / "out" / f"people_{tag}.csv"
    policy = folder / f"policy_{tag}.yaml"
    policy.write_text(yaml.safe_dump(small_policy_document(input_path, output, **sections)))
    return SmallCase(policy, input_path, output, frame)
