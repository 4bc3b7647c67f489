"""The consumers' Avro codec (rooms-events), imported in one place: the checks decode as a
consumer would, with no service code."""

from __future__ import annotations

from rooms_events import (
    HEADER_SIZE,
    MARKER,
    AvroDecodeError,
    Decoded,
    SchemaStore,
    decode,
    encode,
)

__all__ = ["HEADER_SIZE", "MARKER", "AvroDecodeError", "Decoded", "SchemaStore", "decode", "encode"]
