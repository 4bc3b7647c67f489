"""Every stored version of every schema: single-object encode, decode, same record; Apache agrees."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from typing import Any

import avro.io
import avro.schema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rooms.adapters.avro import SchemaStore, SchemaVersion
from rooms.adapters.avro.single_object import HEADER_SIZE, decode, encode
from rooms.contract_files import avro_dir
from rooms.testing import from_avro_schema

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


@given(st.data())
def test_generated_records_are_what_fastavro_validates(data: st.DataObject) -> None:
    from fastavro.validation import validate

    version = data.draw(st.sampled_from(VERSIONS))
    assert validate(data.draw(from_avro_schema(version.schema)), version.parsed, raise_errors=False)
