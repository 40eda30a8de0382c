"""A Great Expectations data source for the published frame that does not fingerprint it.

GX's pandas engine hashes every cell of a runtime frame under 1 GB (`hash_pandas_object`) to put
a `pandas_data_fingerprint` in the batch markers. Nothing of ours reads that marker: the
assessment digests the exact candidate itself (`candidate_sha256`), and the hash cost more than
a second and a third of a gigabyte at a million rows, beside a suite whose metrics are counts.
Every other batch spec goes to GX's own engine unchanged.
"""

from __future__ import annotations

import datetime
from typing import Literal

import pandas as pd
from great_expectations.core.batch import BatchMarkers
from great_expectations.core.batch_spec import RuntimeDataBatchSpec
from great_expectations.datasource.fluent.pandas_datasource import PandasDatasource
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.execution_engine.pandas_batch_data import PandasBatchData


class UnfingerprintedPandasEngine(PandasExecutionEngine):
    """GX's pandas engine, loading a runtime frame as it is, without hashing its cells."""

    def get_batch_data_and_markers(self, batch_spec):
        if not (isinstance(batch_spec, RuntimeDataBatchSpec) and isinstance(batch_spec.batch_data, pd.DataFrame)):
            return super().get_batch_data_and_markers(batch_spec)
        frame = batch_spec.batch_data
        batch_spec.batch_data = "PandasDataFrame"  # as GX's engine does: the spec must not hold the frame
        loaded = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        return PandasBatchData(execution_engine=self, dataframe=frame), BatchMarkers({"ge_load_time": loaded})


class PublishedFrameSource(PandasDatasource):
    """A pandas data source (`context.data_sources.add_published_frame`) on the engine above."""

    type: Literal["published_frame"] = "published_frame"

    @property
    def execution_engine_type(self) -> type[PandasExecutionEngine]:
        return UnfingerprintedPandasEngine
