"""Data I/O: CSV, Parquet and SQL tables in and out, batched reads, atomic writes.

>>> from anonymization_pipeline.core.io import parse_location, read_table, write_table
>>> write_table(read_table(parse_location("in.csv")), parse_location("out.parquet"))  # doctest: +SKIP
"""

from anonymization_pipeline.core.io.atomic_files import atomic_output
from anonymization_pipeline.core.io.fingerprint import table_fingerprint
from anonymization_pipeline.core.io.locations import AnyLocation, describe_location, parse_location
from anonymization_pipeline.core.io.reading import iter_batches, read_table
from anonymization_pipeline.core.io.writing import write_table

__all__ = [
    "AnyLocation",
    "atomic_output",
    "describe_location",
    "iter_batches",
    "parse_location",
    "read_table",
    "table_fingerprint",
    "write_table",
]
