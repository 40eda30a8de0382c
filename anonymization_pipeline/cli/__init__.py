"""The `anonymize` command line: everything the Dagster UI can do, from a shell."""
