"""The synthetic model of a table: its columns coded, a network over the codes, and sampling.

`bayesian_network` learns a degree-`max_parents` network from (a bounded sample of) the rows and
fits its tables on all of them; values are drawn within their bins from the observed quantiles.
`dp_marginals` builds the network from noisy marginals only, and draws values evenly within bins,
so nothing but the public domain and ε-DP counts reaches the output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from anonymization_pipeline.core.policy.synthetic import Synthetic
from anonymization_pipeline.core.synthetic.columns import read_column
from anonymization_pipeline.core.synthetic.discretisation import Discretised, discretise, undiscretise
from anonymization_pipeline.core.synthetic.dp_marginals import fit_private_marginals
from anonymization_pipeline.core.synthetic.network import Network, draw_rows, fit_network
from anonymization_pipeline.core.synthetic.structure import Structure, greedy_network

STRUCTURE_SAMPLE = 50_000
"""Rows used to learn the structure; mutual information is well estimated long before that."""


@dataclass(frozen=True)
class SyntheticModel:
    columns: list[Discretised]
    network: Network
    structure: Structure
    expansions: list[np.ndarray] | None = None

    def sample(self, rows: int, rng: np.random.Generator) -> pd.DataFrame:
        """`rows` new rows, column by column (no per-row Python)."""
        codes = self.network.sample(rows, rng)
        if self.expansions is not None:
            for c, expansion in enumerate(self.expansions):
                codes[:, c] = draw_rows(expansion, codes[:, c], rng)
        return pd.DataFrame(
            {column.values.name: undiscretise(column, codes[:, c], rng) for c, column in enumerate(self.columns)}
        )

    def describe(self) -> list[dict[str, object]]:
        """The structure by column name, for the report."""
        names = [column.values.name for column in self.columns]
        return [{"column": names[child], "parents": [names[p] for p in parents]} for child, parents in self.structure]


def fit_model(frame: pd.DataFrame, settings: Synthetic, rng: np.random.Generator) -> SyntheticModel:
    """Fit the policy's method on `frame` (the training rows, identifiers already removed)."""
    private = settings.method == "dp_marginals"
    columns = [
        discretise(read_column(frame[name]), settings.max_bins, "uniform" if private else "observed")
        for name in frame.columns
    ]
    codes = np.empty((len(frame), len(columns)), dtype=np.int64, order="F")
    for c, column in enumerate(columns):
        codes[:, c] = column.codes
    cardinalities = np.array([column.cardinality for column in columns], dtype=np.int64)
    if private:
        names = list(frame.columns)
        anchor = names.index(settings.utility_target) if settings.utility_target in names else None
        marginals = fit_private_marginals(codes, cardinalities, settings.epsilon, anchor)
        return SyntheticModel(columns, marginals.network, marginals.structure, marginals.expansions)
    sample = codes if len(codes) <= STRUCTURE_SAMPLE else codes[rng.choice(len(codes), STRUCTURE_SAMPLE, replace=False)]
    structure = greedy_network(sample, cardinalities, settings.max_parents, len(sample))
    return SyntheticModel(columns, fit_network(codes, cardinalities, structure), structure)
