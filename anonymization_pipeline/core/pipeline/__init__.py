"""The pipeline's stages, its report, and the in-process `anonymize` entry point."""

from anonymization_pipeline.core.pipeline.run import Result, anonymize
from anonymization_pipeline.core.pipeline.stage_output import StageOutput

__all__ = ["Result", "StageOutput", "anonymize"]
