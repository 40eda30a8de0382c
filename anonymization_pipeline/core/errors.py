"""Our own exception hierarchy.

The CLI turns each of these into one line and an exit code, so every message must be something a
user can act on, and must never contain a key or a raw value from the data.
"""


INTERNAL_ERROR = 3
"""The exit code of anything this package did not raise on purpose: a bug of ours."""


class AnonymizerError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = 2


class ConfigurationError(AnonymizerError):
    """The policy, a key, or an option is wrong: nothing was read or written."""


class PolicyError(ConfigurationError):
    """The policy file does not validate; carries one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class InputDataError(AnonymizerError):
    """The input cannot be read, or does not have the shape the policy expects."""


class OutputError(AnonymizerError):
    """The output could not be written; the previous output is left as it was."""


class KeyMaterialError(ConfigurationError):
    """A key is missing or unusable. The message names the key, never its bytes."""


class PrivacyTargetNotMet(AnonymizerError):
    """The privacy or risk targets cannot be met, so nothing was published."""

    exit_code = 1
