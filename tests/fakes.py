"""Fakes that subclass or satisfy the real ports, so unit tests need no I/O."""

from __future__ import annotations

import hashlib
import json

from rooms.domain.events import DomainEvent, RoomCreated, RoomDeleted, RoomUpdated
from rooms.service_layer.event_encoding import EncodedEvent

_ROUTING = {RoomCreated: "room.created", RoomUpdated: "room.updated", RoomDeleted: "room.deleted"}


class RecordingEventEncoder:
    """Encodes events as JSON and remembers them, for tests of the outbox write path."""

    def __init__(self) -> None:
        self.encoded: list[DomainEvent] = []

    def encode(self, event: DomainEvent) -> EncodedEvent:
        self.encoded.append(event)
        payload = json.dumps({"type": type(event).__name__, "room_id": str(event.room_id)}).encode()
        return EncodedEvent(
            event_id=event.event_id,
            event_type=type(event).__name__,
            routing_key=_ROUTING[type(event)],
            room_id=event.room_id,
            room_version=event.version,
            occurred_at=event.occurred_at,
            schema_fingerprint=hashlib.sha256(b"fake").digest()[:8],
            payload=payload,
        )
