"""Avro single-object encoding (marker C3 01, CRC-64-AVRO fingerprint, binary body), both ways.

fastavro writes and reads the body but has no framing (fastavro#501), so it lives here,
once. Decoding trusts nothing: every length the bytes declare is checked against what is
left before anything is read or allocated, and every failure is one AvroDecodeError.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from fastavro import schemaless_reader, schemaless_writer

from rooms_events.schema_store import SchemaStore, SchemaVersion

MARKER = b"\xc3\x01"
HEADER_SIZE = len(MARKER) + 8


class AvroDecodeError(ValueError):
    """These bytes are not a single-object encoded record this store can read."""


@dataclass(frozen=True)
class Decoded:
    writer: SchemaVersion  # the schema the producer wrote with
    reader: SchemaVersion  # the schema the record was resolved into
    record: dict[str, Any]


class _BoundedReader(io.RawIOBase):
    """A read-only view of a payload that refuses any read past its end.

    fastavro reads a string or bytes value with `read(length)` straight from the declared
    length; BytesIO would silently return fewer bytes. Refusing here turns a truncated or
    hostile length into an error before any buffer of that size exists.
    """

    def __init__(self, data: bytes, start: int) -> None:
        self._view = memoryview(data)
        self._position = start

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        remaining = len(self._view) - self._position
        if size is None or size < 0 or size > remaining:
            raise AvroDecodeError(f"a length of {size} runs past the end ({remaining} bytes left)")
        chunk = self._view[self._position : self._position + size].tobytes()
        self._position += size
        return chunk

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    @property
    def remaining(self) -> int:
        return len(self._view) - self._position


def encode(version: SchemaVersion, record: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    buffer.write(MARKER)
    buffer.write(version.fingerprint)
    # schemaless_writer writes at the stream's position: the header stays in front.
    buffer.seek(0, io.SEEK_END)
    schemaless_writer(buffer, version.parsed, record)
    return buffer.getvalue()


def decode(store: SchemaStore, payload: bytes, *, reader: SchemaVersion | None = None) -> Decoded:
    """The record in `payload`, resolved into `reader` (default: its schema's newest version)."""
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise AvroDecodeError(f"expected bytes, got {type(payload).__name__}")
    payload = bytes(payload)
    if len(payload) < HEADER_SIZE:
        raise AvroDecodeError(f"{len(payload)} bytes is shorter than the {HEADER_SIZE}-byte header")
    if payload[:2] != MARKER:
        raise AvroDecodeError(f"marker is {payload[:2].hex()}, not c301: not single-object encoded")
    fingerprint = payload[2:HEADER_SIZE]
    writer = store.by_fingerprint(fingerprint)
    if writer is None:
        raise AvroDecodeError(f"no stored schema has fingerprint {fingerprint.hex()}")
    target = reader or store.latest(writer.name)
    stream = _BoundedReader(payload, HEADER_SIZE)
    try:
        record = schemaless_reader(stream, writer.parsed, target.parsed)  # type: ignore[arg-type]
    except AvroDecodeError:
        raise
    except Exception as error:  # fastavro signals bad data with many types; all mean "malformed"
        raise AvroDecodeError(
            f"malformed {writer.label} body: {type(error).__name__}: {error}"
        ) from None
    if stream.remaining:
        raise AvroDecodeError(f"{stream.remaining} bytes left over after the {writer.label} record")
    if not isinstance(record, dict):
        raise AvroDecodeError(f"{writer.label} did not decode to a record")
    return Decoded(writer=writer, reader=target, record=record)
