"""Re-identification risk: measures over equivalence classes, population estimates, linkage attack."""

from anonymization_pipeline.core.risk.assessment import RiskAssessment, assess_risk
from anonymization_pipeline.core.risk.attack import GroundTruth, run_linkage_attack
from anonymization_pipeline.core.risk.classes import PublishedClasses, published_classes

__all__ = ["PublishedClasses", "GroundTruth", "RiskAssessment", "assess_risk", "published_classes", "run_linkage_attack"]
