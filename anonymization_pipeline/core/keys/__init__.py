"""Named, versioned keys: from environment variables or a 0600 key file, never logged or reported."""

from anonymization_pipeline.core.keys.keyfile import (
    generate_key,
    read_key_file,
    retire_key_version,
    rotate_key,
    write_key_file,
)
from anonymization_pipeline.core.keys.material import (
    Key,
    encode_key_material,
    format_key_id,
    new_key_material,
    parse_key_id,
)
from anonymization_pipeline.core.keys.provider import (
    DEFAULT_KEY_NAME,
    KEY_FILE_VARIABLE,
    KEY_VARIABLE_PREFIX,
    KeyProvider,
    KeyVersions,
)

__all__ = [
    "DEFAULT_KEY_NAME",
    "KEY_FILE_VARIABLE",
    "KEY_VARIABLE_PREFIX",
    "Key",
    "KeyProvider",
    "KeyVersions",
    "encode_key_material",
    "format_key_id",
    "generate_key",
    "new_key_material",
    "parse_key_id",
    "read_key_file",
    "retire_key_version",
    "rotate_key",
    "write_key_file",
]
