"""Where rooms are kept: the repository port and its SQLAlchemy adapter."""

from __future__ import annotations

import abc
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from rooms.adapters.orm import rooms
from rooms.domain.errors import DuplicateRoomUrl
from rooms.domain.model import Area, Coordinates, Image, Recurrence, Room


@dataclass(frozen=True, slots=True)
class RoomFilter:
    city: str | None = None
    country: str | None = None
    provider: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    visible: bool | None = None


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the list's order (created_at, id): what a cursor points after."""

    created_at: datetime
    room_id: uuid.UUID


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


# A dict lookup: calling the Enum class to find a member by value costs more, per row.
_RECURRENCES = {recurrence.value: recurrence for recurrence in Recurrence}


def _room(row: Any) -> Room:
    return Room(
        id=row.id,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        name=row.name,
        description=row.description,
        price=row.price,
        monthly_price=row.monthly_price,
        currency=row.currency,
        recurrence=_RECURRENCES[row.recurrence],
        provider=row.provider,
        url=row.url,
        property_size=row.property_size,
        area=Area(name=row.area_name, city=row.area_city, country=row.area_country),
        coordinates=None if row.lat is None else Coordinates(lat=row.lat, lon=row.lon),
        images=tuple(Image(url=url) for url in row.images),
        is_visible=row.is_visible,
    )


# Built once: SQLAlchemy then finds its compiled form in its cache by this object's key.
_BY_ID = select(rooms).where(rooms.c.id == bindparam("room_id"))


def _is_url_conflict(error: IntegrityError) -> bool:
    # PostgreSQL names the constraint; SQLite names the column.
    text = str(error.orig)
    return "uq_rooms_url" in text or "rooms.url" in text


class SqlRoomRepository(AbstractRoomRepository):
    """Rooms in a SQL database, on the connection (and transaction) of a unit of work."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _add(self, room: Room) -> None:
        # A savepoint keeps the unit of work's transaction usable after a duplicate url.
        try:
            with self._connection.begin_nested():
                self._connection.execute(insert(rooms).values(_row_values(room)))
        except IntegrityError as error:
            if _is_url_conflict(error):
                raise DuplicateRoomUrl(room.url) from None
            raise

    def _get(self, room_id: uuid.UUID) -> Room | None:
        row = self._connection.execute(_BY_ID, {"room_id": room_id}).first()
        return None if row is None else _room(row)

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
        conditions = []
        if where.city is not None:
            conditions.append(rooms.c.area_city == where.city)
        if where.country is not None:
            conditions.append(rooms.c.area_country == where.country)
        if where.provider is not None:
            conditions.append(rooms.c.provider == where.provider)
        if where.min_price is not None:
            conditions.append(rooms.c.price >= where.min_price)
        if where.max_price is not None:
            conditions.append(rooms.c.price <= where.max_price)
        if where.visible is not None:
            conditions.append(rooms.c.is_visible == where.visible)
        if after is not None:
            # A row-value comparison: SQLite and PostgreSQL seek the (created_at, id) index
            # to it, where the equivalent OR scanned the index from its start (bench/scale.py).
            conditions.append(
                tuple_(rooms.c.created_at, rooms.c.id) > tuple_(after.created_at, after.room_id)
            )
        statement = (
            select(rooms).where(*conditions).order_by(rooms.c.created_at, rooms.c.id).limit(limit)
        )
        return [_room(row) for row in self._connection.execute(statement)]
