"""The Dagster wiring: assets, checks, IO managers, resources, sensors and schedules over the core.

Nothing here anonymizes anything; every asset calls one core function.
"""
