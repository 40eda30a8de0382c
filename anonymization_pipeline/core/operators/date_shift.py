"""`date_shift`: move each entity's dates by one secret offset, so intervals within its history survive.

Params: `entity` (required: the column naming the person, ideally already pseudonymized),
`max_days` (required, ≥ 1), `key` (default `default`), `seed` (only for rows without an entity).
The offset of an entity is derived from a keyed digest of its normalised entity value: the same
for every record of that entity, in every run under the same key, never 0, in ±max_days.
Records without an entity get an independent random offset each. Dates are read as ISO 8601 text
or datetime columns and written back in the same kind; unparseable dates become null (counted).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from anonymization_pipeline.core.keys import DEFAULT_KEY_NAME, Key
from anonymization_pipeline.core.operators.base import (
    Operator,
    OperatorContext,
    OperatorOutcome,
    OperatorParameterError,
)
from anonymization_pipeline.core.operators.columns import text_array, text_series
from anonymization_pipeline.core.operators.dates import format_dates, parse_dates
from anonymization_pipeline.core.operators.key_access import KEY, key_provider
from anonymization_pipeline.core.operators.keyed_hash import HMAC_SHA256, distinct_values, keyed_digests
from anonymization_pipeline.core.operators.normalization import normalized_text, present_values
from anonymization_pipeline.core.operators.params import check_int, check_key_name, check_seed, check_string, require

ENTITY = "entity"
MAX_DAYS = "max_days"
SEED = "seed"


def offsets_from_integers(draws: np.ndarray, max_days: int) -> np.ndarray:
    """Map uniform non-negative integers onto the 2·max_days non-zero offsets in [-max_days, max_days].

    >>> offsets_from_integers(np.arange(6, dtype=np.uint64), 3).tolist()
    [-3, -2, -1, 1, 2, 3]
    """
    slot = (draws % np.uint64(2 * max_days)).astype(np.int64)
    return slot - max_days + (slot >= max_days)


def entity_offsets(entities: pa.Array, key: Key, max_days: int) -> np.ndarray:
    """The day offset of each entity value (null or empty entities get 0, to be filled by the caller).

    >>> entity_offsets(pa.array(["p1", "p2", "p1"]), Key("k", 1, bytes(32)), 30).tolist()[0::2]
    [25, 25]
    """
    normalized = normalized_text(entities)
    present = present_values(normalized).to_numpy(zero_copy_only=False)
    offsets = np.zeros(len(entities), dtype=np.int64)
    if not present.any():
        return offsets
    unique, codes = distinct_values(normalized.filter(pa.array(present)))
    digests = keyed_digests(
        unique.cast(pa.large_binary()).to_pylist(), key.derive("date_shift:hmac-sha256"), HMAC_SHA256, 8
    )
    per_entity = offsets_from_integers(digests.copy().view(">u8").ravel().astype(np.uint64), max_days)
    offsets[present] = per_entity if codes is None else per_entity[codes.to_numpy(zero_copy_only=False)]
    return offsets


class DateShiftOperator(Operator):
    """Per-entity keyed date offsets; reports how many dates moved and how many had no entity."""

    name = "date_shift"

    def parameters(self) -> tuple[str, ...]:
        return (ENTITY, MAX_DAYS, KEY, SEED)

    def validate(self, params: Mapping[str, Any]) -> None:
        super().validate(params)
        require(params, ENTITY, "the column that identifies the person (e.g. its pseudonym)")
        require(params, MAX_DAYS, "the largest shift in days, e.g. 180")
        check_string(params, ENTITY, non_empty=True)
        check_int(params, MAX_DAYS, minimum=1, maximum=36_500)
        check_key_name(params, KEY)
        check_seed(params, SEED)

    def operate(self, column: pd.Series, params: Mapping[str, Any], context: OperatorContext) -> OperatorOutcome:
        self.validate(params)
        entity = params[ENTITY]
        if context.frame is None or entity not in context.frame.columns:
            raise OperatorParameterError(ENTITY, f"column '{entity}' is not in the table being protected")
        if entity == context.field:
            raise OperatorParameterError(ENTITY, "must be another column than the dates themselves")
        key = key_provider(context).primary(params.get(KEY, DEFAULT_KEY_NAME))
        max_days = params[MAX_DAYS]
        entities = text_array(context.frame[entity])
        offsets = entity_offsets(entities, key, max_days)
        orphans = ~present_values(normalized_text(entities)).to_numpy(zero_copy_only=False)
        rng = np.random.default_rng(params.get(SEED, context.seed))
        offsets[orphans] = offsets_from_integers(rng.integers(0, 2**62, int(orphans.sum()), dtype=np.uint64), max_days)
        values, unparseable = parse_dates(column)
        shifted = values + offsets.astype("timedelta64[D]")
        if pd.api.types.is_datetime64_any_dtype(column.dtype) and getattr(column.dtype, "tz", None) is None:
            result = pd.Series(shifted, index=column.index, name=column.name)
        else:
            result = text_series(format_dates(shifted), column.index)
        present = column.notna().to_numpy()
        stats = {
            "changed": int(present.sum()),
            "nulls": int((~present).sum()),
            "unparseable": int(unparseable.sum()),
            "entity_nulls": int((orphans & present).sum()),
            "key_id": key.key_id,
            "max_days": max_days,
        }
        return OperatorOutcome(result, stats)
