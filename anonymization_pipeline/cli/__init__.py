"""The `anonymize` command line: everything the Dagster UI can do, from a shell."""

import time

STARTED = time.time()
"""When the command started importing, so `--timings` can show what start-up costs."""
