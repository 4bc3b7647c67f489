"""The SELECTs that read rooms, and the one mapping from a row's values to a Room.

Both read paths use these: the SQLAlchemy Core repository (inside a write's transaction) and
the DBAPI reads of `room_reads` (the request path's GET and list). A statement's shape is what
varies between requests (which filters are set, whether a cursor is given); its values are
bound parameters, so each shape is built, and compiled, once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, Select, bindparam, select, tuple_

from rooms.adapters.orm import rooms
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


# The columns a read selects, in the order `room_from_values` unpacks them.
COLUMNS: tuple[Column[Any], ...] = (
    rooms.c.id,
    rooms.c.version,
    rooms.c.created_at,
    rooms.c.updated_at,
    rooms.c.name,
    rooms.c.description,
    rooms.c.price,
    rooms.c.monthly_price,
    rooms.c.currency,
    rooms.c.recurrence,
    rooms.c.provider,
    rooms.c.url,
    rooms.c.property_size,
    rooms.c.area_name,
    rooms.c.area_city,
    rooms.c.area_country,
    rooms.c.lat,
    rooms.c.lon,
    rooms.c.images,
    rooms.c.is_visible,
)

# A dict lookup: calling the Enum class to find a member by value costs more, per row.
_RECURRENCES = {recurrence.value: recurrence for recurrence in Recurrence}


def room_from_values(values: Sequence[Any]) -> Room:
    """The Room in one row of COLUMNS, its values already in Python types.

    Unpacked by position: reading twenty attributes of a Row by name cost more than
    building the Room (bench/service.py's list profile).
    """
    (
        room_id,
        version,
        created_at,
        updated_at,
        name,
        description,
        price,
        monthly_price,
        currency,
        recurrence,
        provider,
        url,
        property_size,
        area_name,
        area_city,
        area_country,
        lat,
        lon,
        images,
        is_visible,
    ) = values
    return Room(
        id=room_id,
        version=version,
        created_at=created_at,
        updated_at=updated_at,
        name=name,
        description=description,
        price=price,
        monthly_price=monthly_price,
        currency=currency,
        recurrence=_RECURRENCES[recurrence],
        provider=provider,
        url=url,
        property_size=property_size,
        area=Area(area_name, area_city, area_country),
        coordinates=None if lat is None else Coordinates(lat, lon),
        images=tuple([Image(image_url) for image_url in images]),
        is_visible=bool(is_visible),
    )


# The bound parameters' names; `filter_values` fills them from a filter and a cursor.
_FILTERS: tuple[tuple[str, ColumnElement[bool]], ...] = (
    ("city", rooms.c.area_city == bindparam("city")),
    ("country", rooms.c.area_country == bindparam("country")),
    ("provider", rooms.c.provider == bindparam("provider")),
    ("min_price", rooms.c.price >= bindparam("min_price")),
    ("max_price", rooms.c.price <= bindparam("max_price")),
    ("visible", rooms.c.is_visible == bindparam("visible")),
)
# A row-value comparison: SQLite and PostgreSQL seek the (created_at, id) index to it,
# where the equivalent OR scanned the index from its start (bench/scale.py).
_AFTER = tuple_(rooms.c.created_at, rooms.c.id) > tuple_(
    bindparam("after_created_at", type_=rooms.c.created_at.type),
    bindparam("after_id", type_=rooms.c.id.type),
)

BY_ID: Select[Any] = select(*COLUMNS).where(rooms.c.id == bindparam("room_id"))

# Which filters are set, and whether a cursor is: what makes two list statements differ.
ListShape = tuple[tuple[str, ...], bool]


def list_shape(where: RoomFilter, after: Position | None) -> ListShape:
    return tuple(
        name for name, _ in _FILTERS if getattr(where, name) is not None
    ), after is not None


def list_statement(shape: ListShape) -> Select[Any]:
    names, has_after = shape
    conditions = [condition for name, condition in _FILTERS if name in names]
    if has_after:
        conditions.append(_AFTER)
    return (
        select(*COLUMNS)
        .where(*conditions)
        .order_by(rooms.c.created_at, rooms.c.id)
        .limit(bindparam("limit", type_=rooms.c.version.type))
    )


def list_values(where: RoomFilter, after: Position | None, limit: int) -> dict[str, Any]:
    """The bound values of `list_statement(list_shape(where, after))`."""
    values: dict[str, Any] = {
        name: getattr(where, name) for name, _ in _FILTERS if getattr(where, name) is not None
    }
    if after is not None:
        values["after_created_at"] = after.created_at
        values["after_id"] = after.room_id
    values["limit"] = limit
    return values
