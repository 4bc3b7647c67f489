"""Every stored version of every schema: single-object encode, decode, same record; Apache agrees."""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import avro.io
import avro.schema
import pytest
from fastavro.validation import validate
from hypothesis import given, settings
from hypothesis import strategies as st

from rooms_events import HEADER_SIZE, SchemaStore, SchemaVersion, decode, encode
from rooms_events.contract_files import avro_dir
from rooms_events.strategies import from_avro_schema
from tests.property.profiles import chosen

STORE = SchemaStore.load(avro_dir())
VERSIONS = list(STORE)
Codec = Callable[[SchemaVersion, dict[str, Any]], dict[str, Any]]


def project_codec(version: SchemaVersion, record: dict[str, Any]) -> dict[str, Any]:
    return decode(STORE, encode(version, record), reader=version).record


def plain(value: Any) -> Any:
    """Apache avro hands uuids back as text; compare on that common ground."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def assert_round_trips(codec: Codec, version: SchemaVersion) -> None:
    @chosen()
    @given(from_avro_schema(version.schema))
    def property_(record: dict[str, Any]) -> None:
        assert codec(version, record) == record

    property_()


@pytest.mark.parametrize("version", VERSIONS, ids=[v.label for v in VERSIONS])
def test_every_record_of_every_version_round_trips(version: SchemaVersion) -> None:
    assert_round_trips(project_codec, version)


@pytest.mark.parametrize("version", VERSIONS, ids=[v.label for v in VERSIONS])
def test_apache_avro_decodes_the_same_bytes_identically(version: SchemaVersion) -> None:
    reference = avro.io.DatumReader(avro.schema.parse(json.dumps(version.schema)))

    @chosen()
    @given(from_avro_schema(version.schema))
    def property_(record: dict[str, Any]) -> None:
        payload = encode(version, record)
        ours = decode(STORE, payload, reader=version).record
        theirs = reference.read(avro.io.BinaryDecoder(io.BytesIO(payload[HEADER_SIZE:])))
        assert plain(theirs) == plain(ours)

    property_()


def dropping_codec(field: str) -> Codec:
    """A broken codec that loses one field on the way (what a hand-edited writer might do)."""

    def codec(version: SchemaVersion, record: dict[str, Any]) -> dict[str, Any]:
        decoded = project_codec(version, record)
        decoded.pop(field, None)
        return decoded

    return codec


def test_a_codec_that_drops_a_field_fails_the_round_trip() -> None:
    with pytest.raises(AssertionError):
        assert_round_trips(dropping_codec("version"), STORE.latest("RoomDeleted"))


def test_a_codec_that_drops_a_nested_field_fails_the_round_trip() -> None:
    def forgets_the_area_city(version: SchemaVersion, record: dict[str, Any]) -> dict[str, Any]:
        decoded = project_codec(version, record)
        decoded["room"]["area"].pop("city")
        return decoded

    with pytest.raises(AssertionError):
        assert_round_trips(forgets_the_area_city, STORE.latest("RoomCreated"))


def crc_64_avro(data: bytes) -> int:
    """The Avro specification's fingerprint algorithm, transcribed: an oracle of its own."""
    empty = 0xC15D213AA4D7A795
    table = []
    for byte in range(256):
        value = byte
        for _ in range(8):
            value = (value >> 1) ^ (empty & -(value & 1))
        table.append(value)
    fingerprint = empty
    for byte in data:
        fingerprint = (fingerprint >> 8) ^ table[(fingerprint ^ byte) & 0xFF]
    return fingerprint


# Apache avro's Python canonical form keeps a logical type's base as {"type": "long"}
# where the specification's [PRIMITIVES] step (and fastavro, and Java) write "long"; a
# Python consumer fingerprinting with Apache avro gets other bytes for such schemas.
_WRAPPED_PRIMITIVE = re.compile(r'\{"type":"(null|boolean|int|long|float|double|bytes|string)"\}')


@pytest.mark.parametrize("version", VERSIONS, ids=[v.label for v in VERSIONS])
def test_the_header_fingerprint_is_the_specifications(version: SchemaVersion) -> None:
    """The 8 bytes after C3 01: CRC-64-AVRO of the parsing canonical form, little-endian."""
    apache = avro.schema.parse(json.dumps(version.schema))
    assert version.canonical_form == _WRAPPED_PRIMITIVE.sub(r'"\1"', apache.canonical_form)
    expected = crc_64_avro(version.canonical_form.encode()).to_bytes(8, "little")
    assert version.fingerprint == expected
    if apache.canonical_form == version.canonical_form:  # no logical types: Apache agrees
        assert apache.fingerprint("CRC-64-AVRO") == expected
    assert encode(version, first_record(version))[2:HEADER_SIZE] == expected


def first_record(version: SchemaVersion) -> dict[str, Any]:
    drawn: list[dict[str, Any]] = []

    @settings(chosen(), max_examples=1)
    @given(from_avro_schema(version.schema))
    def take(record: dict[str, Any]) -> None:
        drawn.append(record)

    take()
    return drawn[0]


@chosen()
@given(st.data())
def test_generated_records_are_what_fastavro_validates(data: st.DataObject) -> None:
    version = data.draw(st.sampled_from(VERSIONS))
    record = data.draw(from_avro_schema(version.schema))
    assert validate(record, version.parsed, raise_errors=True)
