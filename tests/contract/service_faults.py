"""Services whose list matches loosely where the spec says "exact match": bugs of the query.

Bound in place of RoomService in a test's injector (no fault switch in production code).
Each fetches without the filter and matches in Python the way a careless SQL `ILIKE` or
`LIKE 'x%'` would; pages stay correct, so only the filter's meaning is broken.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from rooms.adapters.repository import Position, RoomFilter
from rooms.domain.model import Room
from rooms.service_layer.room_service import RoomPage, RoomService

_ALL = 10_000  # far more than any check creates


class _LooseMatch(RoomService):
    field: str
    matches: Callable[[str, str], bool]

    def list(self, where: RoomFilter, *, after: Position | None, limit: int) -> RoomPage:
        wanted = getattr(where, self.field)
        if wanted is None:
            return super().list(where, after=after, limit=limit)
        unfiltered = dataclasses.replace(where, **{self.field: None})
        found = [
            room
            for room in super().list(unfiltered, after=after, limit=_ALL).items
            if self.matches(self._value(room), wanted)
        ]
        items = found[:limit]
        more = len(found) > limit
        last = items[-1] if items else None
        return RoomPage(items, Position(last.created_at, last.id) if more and last else None)

    def _value(self, room: Room) -> str:
        return room.area.city if self.field == "city" else room.provider


class CityIgnoringCase(_LooseMatch):
    field = "city"

    @staticmethod
    def matches(stored: str, wanted: str) -> bool:  # type: ignore[override]
        return stored.casefold() == wanted.casefold()


class ProviderByPrefix(_LooseMatch):
    field = "provider"

    @staticmethod
    def matches(stored: str, wanted: str) -> bool:  # type: ignore[override]
        return stored.startswith(wanted)


SERVICE_FAULTS: list[tuple[str, str, str, type[RoomService]]] = [
    ("city matched ignoring case", "filters", "filters", CityIgnoringCase),
    ("provider matched by prefix", "filters", "filters", ProviderByPrefix),
]
