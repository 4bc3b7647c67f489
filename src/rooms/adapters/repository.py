"""Where rooms are kept: the repository port and its SQLAlchemy adapter."""

from __future__ import annotations

import abc
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from rooms.adapters.orm import rooms
from rooms.adapters.room_rows import (
    BY_ID,
    Position,
    RoomFilter,
    list_shape,
    list_statement,
    list_values,
    room_from_values,
)
from rooms.domain.errors import DuplicateRoomUrl
from rooms.domain.model import Room

__all__ = ["AbstractRoomRepository", "Position", "RoomFilter", "SqlRoomRepository"]


class AbstractRoomRepository(abc.ABC):
    def add(self, room: Room) -> None:
        self._add(room)

    def get(self, room_id: uuid.UUID) -> Room | None:
        return self._get(room_id)

    def replace(self, room: Room, *, expected_version: int) -> bool:
        """Store `room` if the stored one is still at `expected_version`; False otherwise."""
        return self._replace(room, expected_version)

    def remove(self, room_id: uuid.UUID, *, expected_version: int) -> bool:
        return self._remove(room_id, expected_version)

    def list(self, where: RoomFilter, *, after: Position | None, limit: int) -> Sequence[Room]:
        return self._list(where, after, limit)

    @abc.abstractmethod
    def _add(self, room: Room) -> None: ...

    @abc.abstractmethod
    def _get(self, room_id: uuid.UUID) -> Room | None: ...

    @abc.abstractmethod
    def _replace(self, room: Room, expected_version: int) -> bool: ...

    @abc.abstractmethod
    def _remove(self, room_id: uuid.UUID, expected_version: int) -> bool: ...

    @abc.abstractmethod
    def _list(self, where: RoomFilter, after: Position | None, limit: int) -> Sequence[Room]: ...


def _row_values(room: Room) -> dict[str, Any]:
    return {
        "id": room.id,
        "url": room.url,
        "version": room.version,
        "created_at": room.created_at,
        "updated_at": room.updated_at,
        "name": room.name,
        "description": room.description,
        "price": room.price,
        "monthly_price": room.monthly_price,
        "currency": room.currency,
        "recurrence": room.recurrence.value,
        "provider": room.provider,
        "property_size": room.property_size,
        "area_name": room.area.name,
        "area_city": room.area.city,
        "area_country": room.area.country,
        "lat": room.coordinates.lat if room.coordinates else None,
        "lon": room.coordinates.lon if room.coordinates else None,
        "images": [image.url for image in room.images],
        "is_visible": room.is_visible,
    }


# Built once per dialect (the two rooms runs on), executed with the row's values: SQLAlchemy
# then finds their compiled form in its cache, where `.values(...)` made a new statement, and
# a new cache key, per insert. It keeps an INSERT's row count only when asked
# (preserve_rowcount): 0 is a conflict.
_INSERT_UNLESS_URL_TAKEN = {
    name: insert_of(rooms)
    .on_conflict_do_nothing(index_elements=["url"])
    .execution_options(preserve_rowcount=True)
    for name, insert_of in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def _is_url_conflict(error: IntegrityError) -> bool:
    # PostgreSQL names the constraint; SQLite names the column.
    text = str(error.orig)
    return "uq_rooms_url" in text or "rooms.url" in text


class SqlRoomRepository(AbstractRoomRepository):
    """Rooms in a SQL database, on the connection (and transaction) of a unit of work."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _add(self, room: Room) -> None:
        # ON CONFLICT leaves the unit of work's transaction usable after a duplicate url
        # without a savepoint's two extra round trips; a concurrent insert of the same url
        # is waited for, and counts as a conflict once it commits.
        statement = _INSERT_UNLESS_URL_TAKEN[self._connection.dialect.name]
        if self._connection.execute(statement, _row_values(room)).rowcount == 0:
            raise DuplicateRoomUrl(room.url)

    def _get(self, room_id: uuid.UUID) -> Room | None:
        row = self._connection.execute(BY_ID, {"room_id": room_id}).first()
        return None if row is None else room_from_values(row)

    def _replace(self, room: Room, expected_version: int) -> bool:
        statement = (
            update(rooms)
            .where(rooms.c.id == room.id, rooms.c.version == expected_version)
            .values(_row_values(room))
        )
        try:
            with self._connection.begin_nested():
                result = self._connection.execute(statement)
        except IntegrityError as error:
            if _is_url_conflict(error):
                raise DuplicateRoomUrl(room.url) from None
            raise
        return result.rowcount == 1

    def _remove(self, room_id: uuid.UUID, expected_version: int) -> bool:
        statement = delete(rooms).where(rooms.c.id == room_id, rooms.c.version == expected_version)
        return self._connection.execute(statement).rowcount == 1

    def _list(self, where: RoomFilter, after: Position | None, limit: int) -> Sequence[Room]:
        statement = list_statement(list_shape(where, after))
        rows = self._connection.execute(statement, list_values(where, after, limit))
        return [room_from_values(row) for row in rows]
