"""The port through which domain events become outbox rows: the service layer knows no Avro."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from rooms.domain.events import DomainEvent


@dataclass(frozen=True, slots=True)
class EncodedEvent:
    """A domain event as it is stored in the outbox and later published."""

    event_id: uuid.UUID
    event_type: str  # "RoomCreated", "RoomUpdated", "RoomDeleted": the AMQP `type`
    routing_key: str  # "room.created", ...
    room_id: uuid.UUID
    room_version: int
    occurred_at: datetime
    schema_fingerprint: bytes  # 8 bytes, CRC-64-AVRO of the writer schema's canonical form
    payload: bytes  # the single-object encoded Avro record


class EventEncoder(Protocol):
    def encode(self, event: DomainEvent) -> EncodedEvent: ...
