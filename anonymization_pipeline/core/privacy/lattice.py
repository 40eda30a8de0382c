"""The generalization lattice: every vector of levels, one level per quasi-identifier.

Nodes are kept in the order the search visits them (by a lower bound of the loss, then by level
sum, then lexicographically), and "all nodes below / above this one" are boolean masks built from
per-column masks, so tagging a whole down-set costs a few vector ANDs.
"""

from __future__ import annotations

import numpy as np

from anonymization_pipeline.core.errors import ConfigurationError

MAX_NODES = 1 << 22


class Lattice:
    """All level vectors of hierarchies with the given heights, in a chosen visiting order.

    >>> lattice = Lattice([2, 3], np.zeros(6))
    >>> lattice.levels[:3].tolist()
    [[0, 0], [0, 1], [1, 0]]
    """

    def __init__(self, heights: list[int], bounds: np.ndarray | None = None):
        self.heights = list(heights)
        size = int(np.prod(heights, dtype=np.int64)) if heights else 1
        if size > MAX_NODES:
            raise ConfigurationError(
                f"the generalization lattice has {size:,} nodes (more than {MAX_NODES:,}); "
                "use fewer quasi-identifiers or hierarchy levels, or algorithm: mondrian"
            )
        natural = self.natural_levels(heights)
        self.radix = np.array([int(np.prod(heights[j + 1 :], dtype=np.int64)) for j in range(len(heights))], dtype=np.int64)
        order = np.arange(size) if bounds is None else np.lexsort((natural.sum(axis=1), bounds))
        self.levels = natural[order].astype(np.int16)
        self.position = np.empty(size, dtype=np.int64)
        self.position[order] = np.arange(size)
        self._at_most = [[self.levels[:, j] <= level for level in range(h)] for j, h in enumerate(heights)]
        self._at_least = [[self.levels[:, j] >= level for level in range(h)] for j, h in enumerate(heights)]

    @staticmethod
    def natural_levels(heights: list[int]) -> np.ndarray:
        """All nodes in lexicographic order (the order bounds are computed in).

        >>> Lattice.natural_levels([2, 2]).tolist()
        [[0, 0], [0, 1], [1, 0], [1, 1]]
        """
        return np.indices(heights, dtype=np.int16).reshape(len(heights), -1).T if heights else np.zeros((1, 0), dtype=np.int16)

    def __len__(self) -> int:
        return len(self.levels)

    def below(self, position: int) -> np.ndarray:
        """Mask of the nodes at or below the node at `position` in every column."""
        return self._combine(self._at_most, self.levels[position], lambda j, level: level == self.heights[j] - 1)

    def above(self, position: int) -> np.ndarray:
        """Mask of the nodes at or above the node at `position` in every column."""
        return self._combine(self._at_least, self.levels[position], lambda j, level: level == 0)

    def _combine(self, masks: list[list[np.ndarray]], levels: np.ndarray, trivial) -> np.ndarray:
        result = np.ones(len(self.levels), dtype=bool)
        for j, level in enumerate(levels):
            if not trivial(j, int(level)):
                result &= masks[j][int(level)]
        return result
