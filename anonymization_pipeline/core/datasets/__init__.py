"""Bundled and generated data for demos, tests and benchmarks."""

from anonymization_pipeline.core.datasets.adult import ADULT_QUASI_IDENTIFIERS, adult_hierarchy_path, load_adult
from anonymization_pipeline.core.datasets.external_registry import generate_external_registry
from anonymization_pipeline.core.datasets.users import (
    USER_COLUMNS,
    USERS_QUASI_IDENTIFIERS,
    city_hierarchy,
    generate_users,
)

__all__ = [
    "ADULT_QUASI_IDENTIFIERS",
    "USERS_QUASI_IDENTIFIERS",
    "USER_COLUMNS",
    "adult_hierarchy_path",
    "city_hierarchy",
    "generate_external_registry",
    "generate_users",
    "load_adult",
]
