import pytest

from anonymization_pipeline.core.at_rest import seal, unseal
from anonymization_pipeline.core.errors import KeyMaterialError
from anonymization_pipeline.core.keys import Key, KeyProvider

KEY = Key("storage", 1, bytes(range(32)))
PROVIDER = KeyProvider.from_keys({"storage": bytes(range(32))})


def test_round_trip_and_a_fresh_nonce_each_time():
    first, second = seal(b"Jane Doe,1961-02-03", KEY, "raw_records"), seal(b"Jane Doe,1961-02-03", KEY, "raw_records")
    assert first != second
    assert first.startswith(b"APSEAL1\nstorage:v1\n") and b"Jane" not in first
    assert unseal(first, PROVIDER, "raw_records") == unseal(second, PROVIDER, "raw_records") == b"Jane Doe,1961-02-03"


def test_a_changed_byte_or_the_wrong_key_is_refused_naming_only_the_key_id():
    sealed = bytearray(seal(b"rows", KEY, "raw_records"))
    sealed[-1] ^= 1
    with pytest.raises(
        KeyMaterialError,
        match=r"^f cannot be decrypted with key storage:v1: wrong key, altered file, or a file of another run, stage or day$",
    ):
        unseal(bytes(sealed), PROVIDER, "raw_records", name="f")
    other = KeyProvider.from_keys({"storage": bytes(32)})
    with pytest.raises(KeyMaterialError, match="cannot be decrypted with key storage:v1"):
        unseal(seal(b"rows", KEY, "raw_records"), other, "raw_records")


def test_a_file_copied_into_another_stage_is_refused():
    raw = seal(b"raw rows", KEY, "raw_records")
    with pytest.raises(KeyMaterialError, match="a file of another run, stage"):
        unseal(raw, PROVIDER, "sensitive_protected")


def test_relabelling_the_key_id_is_detected():
    rotated = KeyProvider.from_keys({"storage": {1: bytes(range(32)), 2: bytes(range(32))}})
    relabelled = seal(b"rows", KEY, "raw_records").replace(b"storage:v1", b"storage:v2", 1)
    with pytest.raises(KeyMaterialError, match="storage:v2"):
        unseal(relabelled, rotated, "raw_records")


def test_a_plain_file_is_not_taken_for_a_sealed_one():
    with pytest.raises(KeyMaterialError, match="^x is not an encrypted stage file$"):
        unseal(b"PAR1...", PROVIDER, "raw_records", name="x")


@pytest.mark.parametrize(
    "header", [b"APSEAL1\n\xff\xfe\n", b"APSEAL1\nstorage\n", b"APSEAL1\nstorage:v1\n\x00"], ids=["binary", "no version", "short nonce"]
)
def test_an_altered_header_is_reported_as_tampering(header):
    """Finding 8: a changed header escaped as an internal error (exit 3)."""
    sealed = seal(b"rows", KEY, "raw_records")
    altered = header if header.endswith(b"\x00") else header + sealed[len(b"APSEAL1\nstorage:v1\n") :]
    with pytest.raises(KeyMaterialError, match="altered") as raised:
        unseal(altered, PROVIDER, "raw_records", name="f")
    assert raised.value.exit_code == 2
