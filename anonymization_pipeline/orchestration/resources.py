"""Resources: which policy a code location runs, and where keys come from."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from anonymization_pipeline.core.io import parse_location
from anonymization_pipeline.core.io.locations import refuse_overwriting_input
from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.policy import Policy, load_policy
from anonymization_pipeline.core.policy.model import Location


class PipelineSettings(dg.ConfigurableResource):
    """The policy file and optional overrides of its input, output and report folder.

    Configuration, not code: one code location serves several policies, and the CLI's `--input`,
    `--output` and `--report` land here.
    """

    policy_path: str
    input_uri: str | None = None
    output_uri: str | None = None
    report_dir: str | None = None

    def policy(self, attempt: int = 1) -> Policy:
        """The policy as escalated for `attempt` (1: as written)."""
        return load_policy(self.policy_path).at_rung(attempt - 1)

    def input_location(self, policy: Policy) -> Location:
        """The input, refused when it is also the output (the publish would overwrite it)."""
        location = self._input(policy)
        refuse_overwriting_input(location, self._output(policy))
        return location

    def output_location(self, policy: Policy) -> Location:
        location = self._output(policy)
        refuse_overwriting_input(self._input(policy), location)
        return location

    def _input(self, policy: Policy) -> Location:
        return parse_location(self.input_uri) if self.input_uri else policy.dataset.input

    def _output(self, policy: Policy) -> Location:
        return parse_location(self.output_uri) if self.output_uri else policy.dataset.output

    def report_directory(self, policy: Policy) -> Path:
        """`--report`, else a `report` folder beside a file output, else beside the policy; always
        absolute, as Great Expectations' data docs need."""
        if self.report_dir:
            return Path(self.report_dir).absolute()
        output = self.output_location(policy)
        beside = Path(output.path).parent if hasattr(output, "path") else Path(self.policy_path).parent
        return (beside / "report").absolute()


class KeysResource(dg.ConfigurableResource):
    """Keys come from the environment or a key file, never from run configuration."""

    def provider(self) -> KeyProvider:
        return KeyProvider.from_environment()
