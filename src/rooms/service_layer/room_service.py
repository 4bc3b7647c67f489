"""The use cases of rooms: each runs in one unit of work and records the events it causes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rooms.adapters.repository import Position, RoomFilter
from rooms.domain.errors import RoomNotFound, StaleRoom
from rooms.domain.events import RoomCreated, RoomDeleted, RoomUpdated
from rooms.domain.model import Room, RoomDraft
from rooms.service_layer.unit_of_work import AbstractUnitOfWork, UnitOfWorkFactory

# How often an unconditional update retries when another writer got in first.
_OPTIMISTIC_RETRIES = 5


@dataclass(frozen=True, slots=True)
class RoomPage:
    items: Sequence[Room]
    next: Position | None


class RoomService:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def create(self, draft: RoomDraft) -> Room:
        room = Room.create(draft)
        with self._uow_factory() as uow:
            uow.rooms.add(room)
            uow.record(RoomCreated(room=room))
            uow.commit()
        return room

    def get(self, room_id: uuid.UUID) -> Room:
        with self._uow_factory(read_only=True) as uow:
            room = uow.rooms.get(room_id)
        if room is None:
            raise RoomNotFound(room_id)
        return room

    def list(self, where: RoomFilter, *, after: Position | None, limit: int) -> RoomPage:
        with self._uow_factory(read_only=True) as uow:
            # One more than asked tells whether a next page exists without a second query.
            found = uow.rooms.list(where, after=after, limit=limit + 1)
        items = found[:limit]
        more = len(found) > limit
        last = items[-1] if items else None
        position = Position(last.created_at, last.id) if more and last else None
        return RoomPage(items=items, next=position)

    def update(
        self,
        room_id: uuid.UUID,
        change: Callable[[Room], RoomDraft],
        *,
        if_match: str | None = None,
    ) -> Room:
        """Apply `change` to the current room, atomically with respect to other writers.

        With `if_match`, the change applies only to that version (StaleRoom otherwise);
        without it, a concurrent write makes us re-read and re-apply the change.
        """
        for _ in range(_OPTIMISTIC_RETRIES):
            with self._uow_factory() as uow:
                current = self._current(uow, room_id, if_match)
                updated, changed_fields = current.changed(change(current))
                if not changed_fields:
                    return current
                if uow.rooms.replace(updated, expected_version=current.version):
                    uow.record(RoomUpdated(room=updated, changed_fields=changed_fields))
                    uow.commit()
                    return updated
        raise StaleRoom(current_etag="(changing too often)", given=if_match or "*")

    def delete(self, room_id: uuid.UUID, *, if_match: str | None = None) -> None:
        for _ in range(_OPTIMISTIC_RETRIES):
            with self._uow_factory() as uow:
                current = self._current(uow, room_id, if_match)
                if uow.rooms.remove(room_id, expected_version=current.version):
                    uow.record(
                        RoomDeleted(room_id=room_id, version=current.version, url=current.url)
                    )
                    uow.commit()
                    return
        raise StaleRoom(current_etag="(changing too often)", given=if_match or "*")

    @staticmethod
    def _current(uow: AbstractUnitOfWork, room_id: uuid.UUID, if_match: str | None) -> Room:
        current = uow.rooms.get(room_id)
        if current is None:
            raise RoomNotFound(room_id)
        if if_match is not None and not _etag_matches(if_match, current.etag):
            raise StaleRoom(current_etag=current.etag, given=if_match)
        return current


def _etag_matches(if_match: str, etag: str) -> bool:
    """RFC 9110 If-Match: `*` or a list of strong entity tags."""
    candidates = [tag.strip() for tag in if_match.split(",")]
    return "*" in candidates or etag in candidates
