"""Avro single-object encoding (marker C3 01, CRC-64-AVRO fingerprint, binary body), both ways.

fastavro writes and reads the body but has no framing (fastavro#501), so it lives here,
once. Decoding trusts nothing and stays bounded: the body is read from an io.BytesIO,
whose read(n) never returns (or allocates) more than what is left, whatever length the
bytes declare, and fastavro refuses a short read of a string, bytes or fixed value itself
(EOFError); leftover bytes are refused here. Every failure is one AvroDecodeError. The
reading stays in C throughout, which is what keeps decoding at raw fastavro's speed
(bench/codec.py); tests/property/test_hostile_input.py holds the bounds.
"""

from __future__ import annotations

import io
from typing import Any, NamedTuple

from fastavro import schemaless_reader, schemaless_writer

from rooms_events.schema_store import SchemaStore, SchemaVersion

MARKER = b"\xc3\x01"
HEADER_SIZE = len(MARKER) + 8


class AvroDecodeError(ValueError):
    """These bytes are not a single-object encoded record this store can read."""


class Decoded(NamedTuple):
    """Immutable; a NamedTuple because it is built once per message and a frozen dataclass's
    __init__ costs several times more (bench/codec.py counts every microsecond)."""

    writer: SchemaVersion  # the schema the producer wrote with
    reader: SchemaVersion  # the schema the record was resolved into
    record: dict[str, Any]


def encode(version: SchemaVersion, record: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    buffer.write(MARKER)
    buffer.write(version.fingerprint)
    # schemaless_writer writes at the stream's position: the header stays in front.
    buffer.seek(0, io.SEEK_END)
    schemaless_writer(buffer, version.parsed, record)
    return buffer.getvalue()


def decode(
    store: SchemaStore,
    payload: bytes | bytearray | memoryview,
    *,
    reader: SchemaVersion | None = None,
) -> Decoded:
    """The record in `payload`, resolved into `reader` (default: its schema's newest version)."""
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise AvroDecodeError(f"expected bytes, got {type(payload).__name__}")
    if not isinstance(payload, bytes):
        payload = bytes(payload)
    if not payload.startswith(MARKER) or len(payload) < HEADER_SIZE:
        if len(payload) < HEADER_SIZE:
            raise AvroDecodeError(
                f"{len(payload)} bytes is shorter than the {HEADER_SIZE}-byte header"
            )
        raise AvroDecodeError(f"marker is {payload[:2].hex()}, not c301: not single-object encoded")
    writer = store.by_fingerprint(payload[2:HEADER_SIZE])
    if writer is None:
        raise AvroDecodeError(f"no stored schema has fingerprint {payload[2:HEADER_SIZE].hex()}")
    target = reader or store.latest(writer.name)
    stream = io.BytesIO(payload)
    stream.seek(HEADER_SIZE)
    try:
        # No reader schema when it is the writer's: fastavro then skips schema resolution.
        record = schemaless_reader(
            stream, writer.parsed, None if target is writer else target.parsed
        )
    except Exception as error:  # fastavro signals bad data with many types; all mean "malformed"
        raise AvroDecodeError(
            f"malformed {writer.label} body: {type(error).__name__}: {error}"
        ) from None
    left = len(payload) - stream.tell()
    if left:
        raise AvroDecodeError(f"{left} bytes left over after the {writer.label} record")
    if not isinstance(record, dict):
        raise AvroDecodeError(f"{writer.label} did not decode to a record")
    return Decoded(writer, target, record)
