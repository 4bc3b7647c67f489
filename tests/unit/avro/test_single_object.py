"""Single-object encoding: every event type round trips, Apache avro agrees, bad bytes fail cleanly."""

from __future__ import annotations

import io
import json
import time
import tracemalloc
import uuid

import avro.io
import avro.schema
import pytest
from avro.schema import _crc_64_fingerprint

from rooms.adapters.avro import AvroEventEncoder
from rooms.domain.events import DomainEvent, RoomCreated, RoomDeleted, RoomUpdated
from rooms.domain.model import Room
from rooms_events import HEADER_SIZE, MARKER, AvroDecodeError, SchemaStore, decode, decode_event
from tests.unit.rooms_data import room_draft


def events() -> list[DomainEvent]:
    room = Room.create(room_draft())
    return [
        RoomCreated(room=room),
        RoomUpdated(room=room, changed_fields=("price", "area")),
        RoomDeleted(room_id=room.id, version=3),
    ]


@pytest.fixture
def encoder(avro_store: SchemaStore) -> AvroEventEncoder:
    return AvroEventEncoder(avro_store)


@pytest.mark.parametrize("event", events(), ids=lambda e: type(e).__name__)
def test_every_event_type_round_trips(encoder: AvroEventEncoder, event: DomainEvent) -> None:
    encoded = encoder.encode(event)
    assert encoded.payload[:2] == MARKER
    assert encoded.payload[2:HEADER_SIZE] == encoded.schema_fingerprint
    decoded = decode_event(encoded.payload)
    assert decoded.type == type(event).__name__
    assert decoded.record["event_id"] == event.event_id
    assert decoded.record["occurred_at"] == event.occurred_at
    assert decoded.record["room_id"] == event.room_id
    if isinstance(event, RoomCreated | RoomUpdated):
        room = decoded.record["room"]
        assert room["id"] == event.room.id
        assert room["price"] == event.room.price
        assert room["coordinates"] == {
            "lat": event.room.coordinates.lat,
            "lon": event.room.coordinates.lon,
        }  # type: ignore[union-attr]
        assert room["updated_at"] == event.room.updated_at


@pytest.mark.parametrize("event", events(), ids=lambda e: type(e).__name__)
def test_apache_avro_reads_the_same_bytes(encoder: AvroEventEncoder, event: DomainEvent) -> None:
    encoded = encoder.encode(event)
    writer = encoder.store.by_fingerprint(encoded.schema_fingerprint)
    assert writer is not None
    reference = avro.schema.parse(json.dumps(writer.schema))
    # Apache avro's Python canonical form keeps {"type": "string"} around logical types,
    # against the spec's [PRIMITIVES] rule (Java and fastavro write "string"); its CRC-64
    # over the spec's form must still give our fingerprint.
    assert _crc_64_fingerprint(writer.canonical_form.encode()) == encoded.schema_fingerprint
    body = io.BytesIO(encoded.payload[HEADER_SIZE:])
    record = avro.io.DatumReader(reference).read(avro.io.BinaryDecoder(body))
    ours = decode_event(encoded.payload).record
    assert str(record["event_id"]) == str(ours["event_id"])
    assert record["occurred_at"] == ours["occurred_at"]
    if "room" in ours:
        assert record["room"]["area"] == ours["room"]["area"]
        assert record["room"]["images"] == ours["room"]["images"]
        assert record["room"]["created_at"] == ours["room"]["created_at"]


def hostile_payloads(good: bytes) -> dict[str, bytes]:
    fingerprint = good[2:HEADER_SIZE]
    huge_length = b"\xfe\xff\xff\xff\xff\xff\xff\xff\x7f"  # zigzag varint of 2**62 - 1
    return {
        "empty": b"",
        "header only": good[:HEADER_SIZE],
        "wrong marker": b"\xc3\x02" + good[2:],
        "unknown fingerprint": MARKER + b"\x00" * 8 + good[HEADER_SIZE:],
        "truncated": good[:-3],
        "trailing bytes": good + b"\x00",
        "huge string length": MARKER + fingerprint + huge_length,
        "negative length": MARKER + fingerprint + b"\x01",
        "overlong varint": MARKER + fingerprint + b"\xff" * 64,
        "garbage": MARKER + fingerprint + bytes(range(256)) * 4,
    }


def test_hostile_bytes_raise_one_error_type_quickly_and_small(encoder: AvroEventEncoder) -> None:
    good = encoder.encode(events()[0]).payload
    for label, payload in hostile_payloads(good).items():
        tracemalloc.start()
        started = time.perf_counter()
        with pytest.raises(AvroDecodeError):
            decode(encoder.store, payload)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # Safety limits, not benchmarks: generous enough never to flake, far below what a
        # length-sized allocation (2**62 bytes) or an unbounded loop would need.
        assert elapsed < 1.0, label
        assert peak < 1_000_000, label


def test_decoding_is_not_fooled_by_a_non_bytes_value(encoder: AvroEventEncoder) -> None:
    with pytest.raises(AvroDecodeError):
        decode(encoder.store, "c301")  # type: ignore[arg-type]


def test_events_decode_into_the_room_the_api_would_show(encoder: AvroEventEncoder) -> None:
    room = Room.create(room_draft(monthly_price=None, property_size=None, coordinates=None))
    record = decode_event(encoder.encode(RoomCreated(room=room)).payload).record["room"]
    assert (record["monthly_price"], record["property_size"], record["coordinates"]) == (
        None,
        None,
        None,
    )
    assert record["recurrence"] == room.recurrence.value
    assert uuid.UUID(str(record["id"])) == room.id
