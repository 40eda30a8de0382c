"""How many people are unique in the population, estimated from the published sample alone.

A published table that is the whole population (`risk.sampling_fraction` 1, the default) needs no
model: its uniques are the population's. Below 1, the population models (`population_models`,
which need SciPy) are imported then, so a run that does not ask for them does not pay SciPy's
import time.
"""

from __future__ import annotations

import numpy as np

PITMAN_MAX_FRACTION = 0.1


def population_uniqueness(sizes: np.ndarray, sampling_fraction: float) -> dict:
    """Both estimates and the selected one, as JSON-safe figures.

    >>> population_uniqueness(np.array([1, 2, 2]), 1.0)["selected"]
    'sample'
    """
    n = int(sizes.sum())
    population = n / sampling_fraction if n else 0.0
    if sampling_fraction >= 1.0 or n == 0:
        uniques = float((sizes == 1).sum())
        return {
            "sampling_fraction": sampling_fraction,
            "population_size": population,
            "selected": "sample",
            "estimates": {"sample": uniques},
            "population_uniques": uniques,
            "population_uniqueness": uniques / population if population else 0.0,
        }
    from anonymization_pipeline.core.risk.population_models import pitman_uniques, zayatz_uniques

    estimates = {"pitman": pitman_uniques(sizes, sampling_fraction), "zayatz": zayatz_uniques(sizes, sampling_fraction)}
    selected = "pitman" if sampling_fraction <= PITMAN_MAX_FRACTION and estimates["pitman"] is not None else "zayatz"
    uniques = estimates[selected]
    return {
        "sampling_fraction": sampling_fraction,
        "population_size": population,
        "selected": selected,
        "estimates": estimates,
        "population_uniques": uniques,
        "population_uniqueness": uniques / population,
    }
