"""The privacy engine: hierarchies, privacy criteria, utility metrics, optimal search and Mondrian.

>>> from anonymization_pipeline.core.privacy import anonymize_quasi_identifiers
>>> result = anonymize_quasi_identifiers(frame, policy)  # doctest: +SKIP
"""

from anonymization_pipeline.core.privacy.engine import anonymize_quasi_identifiers, build_hierarchies
from anonymization_pipeline.core.privacy.hierarchies import Hierarchy
from anonymization_pipeline.core.privacy.lattice_search import optimal_search
from anonymization_pipeline.core.privacy.mondrian import mondrian
from anonymization_pipeline.core.privacy.recoding import apply_transformation
from anonymization_pipeline.core.privacy.result import PrivacyResult

__all__ = [
    "Hierarchy",
    "PrivacyResult",
    "anonymize_quasi_identifiers",
    "apply_transformation",
    "build_hierarchies",
    "mondrian",
    "optimal_search",
]
