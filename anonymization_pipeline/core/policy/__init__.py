"""The policy file: its models and its loader."""

from anonymization_pipeline.core.policy.loading import load_policy, validate_policy
from anonymization_pipeline.core.policy.model import FieldClass, FieldPolicy, Policy, Privacy

__all__ = ["FieldClass", "FieldPolicy", "Policy", "Privacy", "load_policy", "validate_policy"]
