"""Spark's leak check gives the pandas check's counts per column, chance bound included: its
tallies, summed over batches, are judged on the driver by the same `leak_counts`."""

from __future__ import annotations

import os
from functools import reduce

import numpy as np
import pandas as pd

from anonymization_pipeline.core.spark.leaks import raw_identifier_matches
from anonymization_pipeline.core.validation.identifier_digests import DigestSet, identifier_digests
from anonymization_pipeline.core.validation.leak_scan import leak_findings


def _tables(rows: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw SSNs and e-mails; published 16-digit ids (about 2 coincidences of 9 digits expected among
    5,000), ids with a few SSNs written inside, exact SSNs in text, e-mails and local parts."""
    rng = np.random.default_rng(seed)
    ssns = rng.choice(np.arange(10**8, 10**9), rows, replace=False)
    raw = pd.DataFrame({"ssn": [f"{n // 10**6}-{n // 10**4 % 100:02d}-{n % 10**4:04d}" for n in ssns], "email": [f"user.{i}@example.org" for i in range(rows)]})
    ids = [f"u_{n:016d}" for n in rng.integers(10**15, 10**16, 5_000)]
    published = pd.DataFrame(
        {
            "chance_ids": ids,
            "leaky_ids": ids[:4_980] + [f"{n}{i:07d}" for i, n in enumerate(ssns[:20])],
            "notes": [f"ssn {n} on file" if i < 3 else "nothing" for i, n in enumerate(ssns[:5_000])] + ["n/a"] * (5_000 - min(rows, 5_000)),
            "contact": [f"write to user.{i}" if i % 1000 == 0 else f"{i}@elsewhere.net" for i in range(5_000)],
        }
    )
    return raw, published


def _pandas_counts(raw: pd.DataFrame, published: pd.DataFrame) -> dict[str, dict[str, int]]:
    key = os.urandom(32)
    union = reduce(lambda a, b: a | b, (identifier_digests(raw[name], key) for name in raw.columns))
    return {name: leak_findings(published[name], DigestSet(union, key)) for name in published.columns}


def test_spark_and_pandas_find_the_same_leaks_and_the_same_coincidences(spark):
    raw, published = _tables(50_000, seed=2)
    expected = _pandas_counts(raw, published)
    found = raw_identifier_matches(spark.createDataFrame(raw).repartition(3), list(raw.columns), spark.createDataFrame(published).repartition(4))
    assert found == expected
    assert expected["chance_ids"]["rows_with_findings"] == 0 < expected["chance_ids"]["rows_with_chance_number_matches"]
    assert expected["leaky_ids"]["rows_with_findings"] >= 20
    assert expected["notes"]["rows_containing_identifier_numbers"] == 3
    assert expected["contact"]["rows_containing_email_local_parts"] == 5


def test_values_that_identify_no_one_and_numbers_of_several_lengths_count_alike(spark):
    """Missing, empty, short and common values are counted, not checked; one value can hold raw
    numbers of two lengths (an SSN inside a longer number, a phone written exactly) at once; a
    ten-digit number holds an SSN too."""
    raw = pd.DataFrame({"ssn": ["123-45-6789", "987-65-4321", None], "phone": ["+1 419 565 5929", "0044 20 7946 0018", ""]})
    published = pd.DataFrame(
        {
            "mixed": [None, "", "25", "same", "same", "same", "same", "same", "ref 55123456789 or 14195655929", "9876543210"],
            "empty": [None] * 10,
        }
    )
    expected = _pandas_counts(raw, published)
    found = raw_identifier_matches(spark.createDataFrame(raw), list(raw.columns), spark.createDataFrame(published, "mixed string, empty string"))
    assert found == expected
    assert expected["mixed"]["rows_not_identifying"] == 8 and expected["mixed"]["rows_with_findings"] == 2
    assert expected["empty"]["rows_checked"] == 0
