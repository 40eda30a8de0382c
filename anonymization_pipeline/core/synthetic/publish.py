"""Publishing a synthetic table: written only when this very table met every target.

The table is written atomically first, then its report; a rejected candidate writes only its own
report, in a folder of its run, so the published table and its report stay as they were. The ε a
`dp_marginals` candidate reserved is committed once its table is written, and given back when the
candidate is rejected or the write fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from anonymization_pipeline.core.io import AnyLocation, describe_location, write_table
from anonymization_pipeline.core.pipeline.publish import assessment_directory
from anonymization_pipeline.core.synthetic.report import write_synthetic_report
from anonymization_pipeline.core.synthetic.synthesis import SyntheticCandidate


def publish_synthetic(candidate: SyntheticCandidate, output: AnyLocation, report_dir: Path | None) -> dict[str, Any]:
    """Write the table and its report if the candidate passed; else raise PrivacyTargetNotMet."""
    report = candidate.report | {"output": describe_location(output)}
    with candidate.releasing():
        write_table(candidate.data, output)
    if report_dir is not None:
        write_synthetic_report(report, report_dir)
    return report


def report_synthetic_rejection(candidate: SyntheticCandidate, report_dir: Path) -> Path:
    """Give back the ε of a rejected candidate, then write its `not_published` report in the run's
    own assessment folder."""
    candidate.withdraw()
    directory = assessment_directory(report_dir, candidate.run_id)
    write_synthetic_report(candidate.report, directory)
    return directory


def synthetic_report_folder(output: AnyLocation, report_dir: str | Path | None) -> Path:
    """`report_dir` if given, else `report/synthetic` beside a file output (the anonymized
    release's report is in `report/`), else in the current folder."""
    if report_dir:
        return Path(report_dir)
    beside = Path(output.path).parent if hasattr(output, "path") else Path(".")
    return beside / "report" / "synthetic"
