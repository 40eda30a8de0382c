"""The risk package's view of a published table's classes: the privacy package's one regrouping
(`published_classes`), and the factorization the matching of outside records uses.

Missing values are a value of their own. A row whose every quasi-identifier cell is `*` is a
suppressed row; like ARX, the risk models leave suppressed rows out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from anonymization_pipeline.core.operators.generalization import SUPPRESSED
from anonymization_pipeline.core.privacy.classes import PublishedClasses, published_classes

__all__ = ["SUPPRESSED", "PublishedClasses", "column_codes", "published_classes"]


def column_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of a column (missing values get a code of their own) and the distinct values.

    >>> column_codes(pd.Series(["b", "a", None, "b"]))[0].tolist()
    [0, 1, 2, 0]
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), pd.Index(uniques)

