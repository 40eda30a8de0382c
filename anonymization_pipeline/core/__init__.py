"""The anonymization core: policy, I/O, operators, privacy models, risk. No Dagster import here."""
