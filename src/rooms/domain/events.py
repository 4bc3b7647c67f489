"""Domain events: what happened to a room, before anyone decides how to put it on the wire."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from rooms.domain.model import Room, utc_now


@dataclass(frozen=True, slots=True)
class RoomCreated:
    room: Room
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=utc_now)

    @property
    def room_id(self) -> uuid.UUID:
        return self.room.id

    @property
    def version(self) -> int:
        return self.room.version


@dataclass(frozen=True, slots=True)
class RoomUpdated:
    room: Room
    changed_fields: tuple[str, ...]
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=utc_now)

    @property
    def room_id(self) -> uuid.UUID:
        return self.room.id

    @property
    def version(self) -> int:
        return self.room.version


@dataclass(frozen=True, slots=True)
class RoomDeleted:
    room_id: uuid.UUID
    version: int  # the version of the room that was deleted
    url: str | None = None  # the deleted room's url (RoomDeleted v2)
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=utc_now)


DomainEvent = RoomCreated | RoomUpdated | RoomDeleted
