"""The codec on its own: samples round trip, old versions resolve, bad bytes get its one error.

(The Hypothesis properties under hostile input, with their fault proofs, are in the
service's tests/property/test_hostile_input.py; these are the package's quick checks.)
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rooms_events import (
    HEADER_SIZE,
    MARKER,
    AvroDecodeError,
    SchemaStore,
    decode,
    decode_event,
    encode,
)
from rooms_events.contract_files import samples_dir


def sample_bodies() -> list[Path]:
    return sorted(samples_dir().glob("*/*.bin"))


@pytest.mark.parametrize("path", sample_bodies(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_sample_round_trips_and_every_truncation_of_it_is_refused(
    avro_store: SchemaStore, path: Path
) -> None:
    body = path.read_bytes()
    decoded = decode(avro_store, body)
    assert encode(decoded.writer, decoded.record) == body
    assert decode(avro_store, bytearray(body)).record == decoded.record
    assert decode(avro_store, memoryview(body)).record == decoded.record
    for cut in range(len(body)):
        with pytest.raises(AvroDecodeError):
            decode(avro_store, body[:cut])
    with pytest.raises(AvroDecodeError, match="1 bytes left over"):
        decode(avro_store, body + b"\x00")


def test_an_old_version_is_resolved_into_the_newest(avro_store: SchemaStore) -> None:
    v1 = avro_store.versions("RoomDeleted")[0]
    record = {
        "event_id": uuid.uuid4(),
        "occurred_at": datetime(2026, 11, 23, 8, 15, 30, tzinfo=UTC),
        "room_id": uuid.uuid4(),
        "version": 3,
    }
    event = decode_event(encode(v1, record))
    assert (event.type, event.writer_version, event.fingerprint) == (
        "RoomDeleted",
        1,
        v1.fingerprint.hex(),
    )
    assert event.record == {**record, "url": None}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "shorter than the 10-byte header"),
        (b"\x00\x01" + bytes(8), "not single-object encoded"),
        (MARKER + bytes(8), "no stored schema has fingerprint 0000000000000000"),
        ("c301", "expected bytes, got str"),
    ],
    ids=["empty", "wrong-marker", "unknown-fingerprint", "not-bytes"],
)
def test_what_is_not_a_message_is_refused_saying_why(
    avro_store: SchemaStore, payload: bytes, message: str
) -> None:
    with pytest.raises(AvroDecodeError, match=message):
        decode(avro_store, payload)


def test_a_huge_declared_length_is_refused_without_reading_it(avro_store: SchemaStore) -> None:
    created = avro_store.latest("RoomCreated")
    # event_id is a string: its length prefix comes first. 2**62 bytes, zigzag varint.
    huge = bytes([0x80] * 8 + [0x80, 0x01])
    with pytest.raises(AvroDecodeError, match="malformed RoomCreated v1 body"):
        decode(avro_store, MARKER + created.fingerprint + huge + b"x" * 16)
    assert HEADER_SIZE == 10
