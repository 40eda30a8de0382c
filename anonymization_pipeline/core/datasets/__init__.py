"""Bundled and generated data for demos, tests and benchmarks."""

from anonymization_pipeline.core.datasets.adult import ADULT_QUASI_IDENTIFIERS, adult_hierarchy_path, load_adult

__all__ = ["ADULT_QUASI_IDENTIFIERS", "adult_hierarchy_path", "load_adult"]
