"""The room: the one aggregate of this service, free of any framework or I/O."""

from __future__ import annotations

import dataclasses
import enum
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime


class Recurrence(enum.StrEnum):
    """How often `price` is charged."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


@dataclass(frozen=True, slots=True)
class Area:
    name: str
    city: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class Coordinates:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Image:
    url: str


def utc_now() -> datetime:
    """Now, truncated to milliseconds: the precision that Avro's timestamp-millis keeps.

    Truncating at the source means the API and the events always carry the same instant.
    """
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


@dataclass(frozen=True, slots=True)
class RoomDraft:
    """What a client supplies to create a room (everything but the server-set fields)."""

    name: str
    price: int  # minor units of `currency`
    currency: str  # ISO 4217
    recurrence: Recurrence
    provider: str
    url: str
    area: Area
    description: str = ""
    monthly_price: int | None = None
    property_size: int | None = None  # square metres
    coordinates: Coordinates | None = None
    images: tuple[Image, ...] = ()
    is_visible: bool = True


# The client-editable fields, in the order the contracts list them.
EDITABLE_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(RoomDraft))


@dataclass(frozen=True, slots=True)
class Room:
    """A stored room: the draft plus the fields the server owns."""

    id: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime
    name: str
    price: int
    currency: str
    recurrence: Recurrence
    provider: str
    url: str
    area: Area
    description: str = ""
    monthly_price: int | None = None
    property_size: int | None = None
    coordinates: Coordinates | None = None
    images: tuple[Image, ...] = field(default=())
    is_visible: bool = True

    @classmethod
    def create(cls, draft: RoomDraft, *, room_id: uuid.UUID | None = None) -> Room:
        now = utc_now()
        values = {name: getattr(draft, name) for name in EDITABLE_FIELDS}
        return cls(id=room_id or uuid.uuid4(), version=1, created_at=now, updated_at=now, **values)

    @property
    def etag(self) -> str:
        """A strong entity tag: the id and version identify one state of the room."""
        return f'"{self.id.hex}-{self.version}"'

    def draft(self) -> RoomDraft:
        return RoomDraft(**{name: getattr(self, name) for name in EDITABLE_FIELDS})

    def changed(self, draft: RoomDraft) -> tuple[Room, tuple[str, ...]]:
        """The next version of this room holding `draft`, and the names of the fields that differ.

        An update that changes nothing keeps the version: there is no new state to announce.
        """
        changed = tuple(n for n in EDITABLE_FIELDS if getattr(draft, n) != getattr(self, n))
        if not changed:
            return self, ()
        values = {name: getattr(draft, name) for name in EDITABLE_FIELDS}
        room = dataclasses.replace(self, version=self.version + 1, updated_at=utc_now(), **values)
        return room, changed
