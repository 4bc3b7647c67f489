"""What can go wrong with rooms, in the domain's words; entry points map these to HTTP."""

from __future__ import annotations

import uuid


class RoomError(Exception):
    """Base of every domain error."""


class RoomNotFound(RoomError):
    def __init__(self, room_id: uuid.UUID) -> None:
        super().__init__(f"No room has id {room_id}.")
        self.room_id = room_id


class DuplicateRoomUrl(RoomError):
    def __init__(self, url: str) -> None:
        super().__init__(f"A room with url {url} already exists.")
        self.url = url


class StaleRoom(RoomError):
    """The client's If-Match names a version that is no longer current."""

    def __init__(self, current_etag: str, given: str) -> None:
        super().__init__(f"The room is at {current_etag}, not {given}.")
        self.current_etag = current_etag
        self.given = given


class InvalidRoom(RoomError):
    """A change would leave the room breaking its own rules (e.g. a merge patch gone wrong)."""

    def __init__(self, violations: list[dict[str, str]]) -> None:
        super().__init__(f"The change would leave the room invalid ({len(violations)} rules).")
        self.violations = violations
