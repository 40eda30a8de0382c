"""Turning a command-line location into a policy location, and naming locations in messages.

The CLI's `--input`/`--output` take one string: a file whose extension says its format, or a
SQLAlchemy URL with the table after `#`. It becomes the same model a policy file would give, so
the readers and writers see one kind of location whatever its source.
"""

from __future__ import annotations

import os
from pathlib import Path

from anonymization_pipeline.core.errors import ConfigurationError
from anonymization_pipeline.core.io.sql_engine import display_url, parse_sql_url, sqlite_file
from anonymization_pipeline.core.policy.model import CsvLocation, ParquetLocation, SqlLocation

AnyLocation = CsvLocation | ParquetLocation | SqlLocation

_FILE_FORMATS: dict[str, dict[str, str]] = {
    ".csv": {"format": "csv"},
    ".tsv": {"format": "csv", "delimiter": "\t"},
    ".parquet": {"format": "parquet"},
}


def parse_location(uri: str, base_dir: Path | None = None) -> AnyLocation:
    """A location from `data.csv`, `out/x.parquet`, `sqlite:///file.db#table` or `postgresql://…/db#table`.

    Relative paths resolve against `base_dir` (default: the current folder). A CSV given this way
    has its delimiter detected on read (`,` `;` tab `|`); a `.tsv` is tab-separated.

    >>> parse_location("sqlite:///users.db#people", Path("/data")).url
    'sqlite:////data/users.db'
    """
    context = {"base_dir": Path.cwd() if base_dir is None else base_dir}
    if "://" in uri:
        return _sql_location(uri, context)
    spec = _FILE_FORMATS.get(Path(uri).suffix.lower())
    if not uri.strip() or spec is None:
        raise ConfigurationError(
            f"unsupported location '{uri}': give a .csv, .tsv or .parquet file, "
            "or a SQL URL with the table after '#' (e.g. sqlite:///file.db#users)"
        )
    model = CsvLocation if spec["format"] == "csv" else ParquetLocation
    return model.model_validate({**spec, "path": Path(uri)}, context=context)


def describe_location(location: AnyLocation) -> str:
    """How messages name a location: `CSV file /data/x.csv`, `table 'users' in sqlite:////data/x.db`.

    >>> describe_location(ParquetLocation(format="parquet", path=Path("/out/x.parquet")))
    'Parquet file /out/x.parquet'
    """
    if isinstance(location, CsvLocation):
        return f"CSV file {location.path}"
    if isinstance(location, ParquetLocation):
        return f"Parquet file {location.path}"
    if location.table is not None:
        return f"table '{location.table}' in {display_url(location.url)}"
    return f"the query on {display_url(location.url)}"


def _sql_location(uri: str, context: dict[str, Path]) -> SqlLocation:
    url, separator, table = uri.rpartition("#")
    parse_sql_url(url if separator else uri)
    if not separator or not table.strip():
        raise ConfigurationError(
            f"SQL location '{display_url(uri)}' needs the table after '#', e.g. sqlite:///file.db#users"
        )
    return SqlLocation.model_validate({"format": "sql", "url": url, "table": table}, context=context)


def refuse_overwriting_input(source: AnyLocation, target: AnyLocation) -> None:
    """Stop before anything runs when the output is the input: the publish would replace the raw
    data with its anonymized copy. Files compare by resolved path (links and `..` included), SQL
    tables by database and table.

    >>> refuse_overwriting_input(parse_location("a.csv"), parse_location("b.csv"))
    """
    if place_of(source) == place_of(target) or _same_existing_file(source, target):
        raise ConfigurationError(
            f"the output is the input ({describe_location(target)}): publishing would overwrite the raw data; "
            "choose another output"
        )


def place_of(location: AnyLocation) -> tuple[str, ...]:
    """What makes two locations the same place: a resolved file path, or a database and table."""
    if isinstance(location, SqlLocation):
        sqlite = sqlite_file(location.url)
        if sqlite is not None:
            return ("sqlite", str(sqlite.resolve()), location.table or "")
        parsed = parse_sql_url(location.url)
        where = (parsed.get_backend_name(), parsed.host or "", str(parsed.port or ""), parsed.database or "")
        return (*where, location.table or "")
    return ("file", str(location.path.resolve()))


def _same_existing_file(source: AnyLocation, target: AnyLocation) -> bool:
    if isinstance(source, SqlLocation) or isinstance(target, SqlLocation):
        return False
    try:
        return os.path.samefile(source.path, target.path)
    except OSError:
        return False
