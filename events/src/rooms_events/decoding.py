"""For consumer teams: bytes off the wire in, a decoded room event out.

from rooms_events import decode_event
event = decode_event(message_body)   # raises AvroDecodeError on anything else
event.type, event.record["room"]["price"]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rooms_events.contract_files import avro_dir
from rooms_events.schema_store import SchemaStore
from rooms_events.single_object import decode

__all__ = ["DecodedEvent", "decode_event"]


@dataclass(frozen=True)
class DecodedEvent:
    type: str  # RoomCreated, RoomUpdated or RoomDeleted
    writer_version: int  # the schema version the producer wrote with
    fingerprint: str  # that schema's CRC-64-AVRO fingerprint, hex
    record: dict[str, Any]  # resolved into the newest schema this package knows


@functools.cache
def _store(directory: Path) -> SchemaStore:
    return SchemaStore.load(directory)


def decode_event(payload: bytes, *, schemas: Path | None = None) -> DecodedEvent:
    """The event in `payload`, resolved into the newest stored version of its schema.

    schemas: a folder laid out like contracts/avro/ (default: the schemas bundled here).
    """
    decoded = decode(_store(schemas or avro_dir()), payload)
    return DecodedEvent(
        type=decoded.writer.short_name,
        writer_version=decoded.writer.version,
        fingerprint=decoded.writer.fingerprint.hex(),
        record=decoded.record,
    )
