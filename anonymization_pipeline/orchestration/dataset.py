"""One policy file as a dataset of the code location: its asset keys, group, job and tags.

Every name is derived from the dataset's name, so the assets of `adult` are `adult/raw_records`
… `adult/anonymized_dataset` in the group `adult`, run by the job `anonymize_adult`, and their
stage files (stored by asset key) never meet another dataset's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import dagster as dg

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.keys import DEFAULT_KEY_NAME
from anonymization_pipeline.core.policy import Policy, load_policy

NAME = re.compile(r"^[A-Za-z0-9_]+$")
PSEUDONYM_KEY_TAG = "pseudonym_key"
DATASET_TAG = "dataset"
PSEUDONYMIZING = {"pseudonymize"}


@dataclass(frozen=True)
class DatasetSpec:
    policy_path: str
    policy: Policy

    @classmethod
    def load(cls, policy_path: str) -> DatasetSpec:
        policy = load_policy(policy_path)
        if not NAME.match(policy.dataset.name):
            raise ConfigurationError(
                f"{policy_path}: dataset.name '{policy.dataset.name}' names its Dagster assets and group; "
                "use letters, digits and _ only"
            )
        return cls(str(policy_path), policy)

    @property
    def name(self) -> str:
        return self.policy.dataset.name

    @property
    def settings_key(self) -> str:
        """The resource holding this dataset's policy path and overrides."""
        return f"{self.name}_settings"

    @property
    def job_name(self) -> str:
        return f"anonymize_{self.name}"

    def key(self, stage: str) -> dg.AssetKey:
        return dg.AssetKey([self.name, stage])

    def step_prefix(self) -> str:
        """Step keys of this dataset's assets start with it (`adult__raw_records`)."""
        return f"{self.name}__"

    @property
    def tags(self) -> dict[str, str]:
        """The policy's tags, the dataset, and the key its pseudonyms are made under: two datasets
        with the same `pseudonym_key` tag have tokens that join."""
        tags = {DATASET_TAG: self.name, **self.policy.tags}
        keys = sorted(
            {
                str(field.params.get("key", DEFAULT_KEY_NAME))
                for field in self.policy.fields.values()
                if field.method in PSEUDONYMIZING
            }
        )
        if keys:
            tags[PSEUDONYM_KEY_TAG] = ".".join(keys)
        return tags


def load_datasets(policy_paths: list[str]) -> list[DatasetSpec]:
    """The datasets of the code location, refusing two policies for one dataset name."""
    specs = [DatasetSpec.load(path) for path in policy_paths]
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.name in seen:
            raise ConfigurationError(
                f"{seen[spec.name]} and {spec.policy_path} both name dataset '{spec.name}'; each dataset needs its own name"
            )
        seen[spec.name] = spec.policy_path
    return specs
