"""The `anonymize` command line: everything the Dagster UI can do, from a shell."""

import sys

from anonymization_pipeline.cli.timings import CLOCK, FLAG

if FLAG in sys.argv[1:]:
    CLOCK.imports.install()  # before any heavy import, so each is timed
