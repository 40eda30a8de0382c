"""Synthetic data: a model of the raw records (a Bayesian network, or ε-DP marginals), sampled,
then evaluated against a real hold-out before anything is published.

>>> from anonymization_pipeline.core.synthetic import synthesize
>>> result = synthesize(frame, Policy.from_yaml("examples/synthetic/adult.yaml"), seed=7)  # doctest: +SKIP
"""

from anonymization_pipeline.core.synthetic.publish import (
    publish_synthetic,
    report_synthetic_rejection,
    synthetic_report_folder,
)
from anonymization_pipeline.core.synthetic.synthesis import SyntheticCandidate, SyntheticResult, build_candidate, synthesize

__all__ = [
    "SyntheticCandidate",
    "SyntheticResult",
    "build_candidate",
    "publish_synthetic",
    "report_synthetic_rejection",
    "synthesize",
    "synthetic_report_folder",
]
