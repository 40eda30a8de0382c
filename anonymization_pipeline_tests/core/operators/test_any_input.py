"""Every operator takes any column: strings (Unicode, empty), numbers, nulls and mixtures of them."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anonymization_pipeline.core.errors import InputDataError
from anonymization_pipeline.core.keys import KeyProvider
from anonymization_pipeline.core.operators import OperatorContext, get_operator, operator_names
from anonymization_pipeline_tests.core.operators.conftest import KEY_BYTES

PARAMS = {
    "keep": {},
    "drop": {},
    "redact": {},
    "mask": {"keep_last": 2},
    "pseudonymize": {"prefix": "t_"},
    "hash": {"algorithm": "blake2b"},
    "encrypt": {"deterministic": True},
    "decrypt": {},
    "bucket": {"edges": [0, 10, 100]},
    "round": {"base": 5},
    "top_bottom_code": {"top": 50},
    "truncate_date": {"unit": "year"},
    "perturb": {"scale": 1.0, "seed": 1},
    "swap": {"method": "rank", "window": 50, "seed": 1},
    "date_shift": {"entity": "entity", "max_days": 10},
    "fake": {"provider": "first_name", "pool_size": 20},
}
CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["", " ", "2024-02-29", "4111-1111-1111-1111", "a@b.c", "Zoë", "東京", "\u0000", "NaN"]),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
KEYS = KeyProvider.from_keys({"default": KEY_BYTES})


def test_every_registered_built_in_is_covered():
    assert set(PARAMS) <= set(operator_names())


@pytest.mark.parametrize("name", sorted(PARAMS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(CELLS, max_size=12), dtype=st.sampled_from([object, "str"]))
def test_no_operator_fails_on_arbitrary_cells(name, cells, dtype):
    column = pd.Series(cells, dtype=object)
    if dtype == "str":
        column = column.astype("str")
    frame = pd.DataFrame({"value": column, "entity": column.astype("str")})
    context = OperatorContext("value", keys=KEYS, frame=frame, seed=3)
    try:
        outcome = get_operator(name).operate(column, PARAMS[name], context)
    except InputDataError:
        assert name == "decrypt"
        return
    assert outcome.stats["nulls"] == int(column.isna().sum())
    if outcome.column is not None:
        assert len(outcome.column) == len(column) and outcome.column.index.equals(column.index)
        if name not in ("swap", "keep"):
            assert outcome.column[column.isna()].isna().all()
