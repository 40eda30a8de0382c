"""Finding the personal data in a table: each column's kind and class from its values and its name,
a policy that protects them, and the drift between a policy and the data it runs on.

>>> from anonymization_pipeline.core.io import parse_location
>>> location = parse_location("users.csv")  # doctest: +SKIP
>>> print(policy_yaml(profile_location(location), location))  # doctest: +SKIP
"""

from anonymization_pipeline.core.profiling.column_profile import ColumnProfile, profile_column
from anonymization_pipeline.core.profiling.kinds import Kind, class_of
from anonymization_pipeline.core.profiling.policy_yaml import policy_yaml, suggested_policy
from anonymization_pipeline.core.profiling.sampling import DEFAULT_SAMPLE_SIZE
from anonymization_pipeline.core.profiling.table_profile import TableProfile, profile_frame, profile_location

__all__ = [
    "DEFAULT_SAMPLE_SIZE",
    "ColumnProfile",
    "Kind",
    "TableProfile",
    "class_of",
    "policy_yaml",
    "profile_column",
    "profile_frame",
    "profile_location",
    "suggested_policy",
]
