"""In-memory fakes of the repository and unit of work ports, for service-layer tests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from rooms.adapters.repository import AbstractRoomRepository, Position, RoomFilter
from rooms.domain.errors import DuplicateRoomUrl
from rooms.domain.events import DomainEvent
from rooms.domain.model import Room
from rooms.service_layer.unit_of_work import AbstractUnitOfWork


class FakeRoomRepository(AbstractRoomRepository):
    def __init__(self) -> None:
        self.rooms: dict[uuid.UUID, Room] = {}

    def _add(self, room: Room) -> None:
        if any(existing.url == room.url for existing in self.rooms.values()):
            raise DuplicateRoomUrl(room.url)
        self.rooms[room.id] = room

    def _get(self, room_id: uuid.UUID) -> Room | None:
        return self.rooms.get(room_id)

    def _replace(self, room: Room, expected_version: int) -> bool:
        current = self.rooms.get(room.id)
        if current is None or current.version != expected_version:
            return False
        self.rooms[room.id] = room
        return True

    def _remove(self, room_id: uuid.UUID, expected_version: int) -> bool:
        current = self.rooms.get(room_id)
        if current is None or current.version != expected_version:
            return False
        del self.rooms[room_id]
        return True

    def _list(self, where: RoomFilter, after: Position | None, limit: int) -> Sequence[Room]:
        ordered = sorted(self.rooms.values(), key=lambda r: (r.created_at, r.id.hex))
        if after is not None:
            ordered = [
                r
                for r in ordered
                if (r.created_at, r.id.hex) > (after.created_at, after.room_id.hex)
            ]
        if where.city is not None:
            ordered = [r for r in ordered if r.area.city == where.city]
        return ordered[:limit]


class FakeUnitOfWork(AbstractUnitOfWork):
    def __init__(self, repository: FakeRoomRepository, published: list[DomainEvent]) -> None:
        super().__init__()
        self.rooms = repository
        self._published = published
        self._snapshot: dict[uuid.UUID, Room] = {}

    def _begin(self) -> None:
        self._snapshot = dict(self.rooms.rooms)  # type: ignore[attr-defined]

    def _commit(self, events: list[DomainEvent]) -> None:
        self._published.extend(events)
        self._snapshot = dict(self.rooms.rooms)  # type: ignore[attr-defined]

    def _rollback(self) -> None:
        self.rooms.rooms = self._snapshot  # type: ignore[attr-defined]


class FakeStorage:
    """A factory with the UnitOfWorkFactory signature, and what was committed."""

    def __init__(self) -> None:
        self.repository = FakeRoomRepository()
        self.published: list[DomainEvent] = []

    def __call__(self, *, read_only: bool = False) -> AbstractUnitOfWork:
        return FakeUnitOfWork(self.repository, self.published)
