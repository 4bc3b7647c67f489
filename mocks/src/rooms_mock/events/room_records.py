"""The mock's JSON rooms as the Avro records of the room events, as the service writes them.

The service maps its domain Room to the record (`rooms.adapters.avro.event_records`); the
mock only has the JSON it answered with, so this is the same mapping read from the API's
side: optional members absent in JSON are null, a missing description is "" (the service
stores none as ""), timestamps are parsed from RFC 3339. A test checks this against the
service's encoder on the same room, byte for byte.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from rooms_mock.writes import Write

# The Room record's members the client edits, in the record's order: a RoomUpdated's
# changed_fields lists those that differ, in this order, as the service does.
EDITABLE_FIELDS = (
    "name",
    "description",
    "price",
    "monthly_price",
    "currency",
    "recurrence",
    "provider",
    "url",
    "property_size",
    "area",
    "coordinates",
    "images",
    "is_visible",
)


class RoomMappingError(ValueError):
    """A JSON room the mock answered with lacks what the event record needs."""


def _timestamp(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def room_record(room: dict[str, Any]) -> dict[str, Any]:
    """The Avro `Room` record of a room as the API showed it."""
    try:
        area = room["area"]
        coordinates = room.get("coordinates")
        return {
            "id": str(uuid.UUID(str(room["id"]))),
            "version": int(room["version"]),
            "created_at": _timestamp(room["created_at"]),
            "updated_at": _timestamp(room["updated_at"]),
            "name": room["name"],
            "description": room.get("description") or "",
            "price": int(room["price"]),
            "monthly_price": room.get("monthly_price"),
            "currency": room["currency"],
            "recurrence": room["recurrence"],
            "provider": room["provider"],
            "url": room["url"],
            "property_size": room.get("property_size"),
            "area": {"name": area["name"], "city": area["city"], "country": area["country"]},
            "coordinates": (
                None
                if coordinates is None
                else {"lat": float(coordinates["lat"]), "lon": float(coordinates["lon"])}
            ),
            "images": [{"url": image["url"]} for image in room.get("images") or ()],
            "is_visible": bool(room.get("is_visible", True)),
        }
    except (KeyError, TypeError, ValueError) as error:
        raise RoomMappingError(
            f"the room {room.get('id')!r} cannot be an Avro Room: {error!r}"
        ) from None


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    old, new = room_record(before), room_record(after)
    return [name for name in EDITABLE_FIELDS if old[name] != new[name]]


def event_record(message: str, write: Write, event_id: uuid.UUID, now: datetime) -> dict[str, Any]:
    """The record of `message` (RoomCreated, RoomUpdated, RoomDeleted) for one write."""
    if message in ("RoomCreated", "RoomUpdated"):
        if write.after is None:
            raise RoomMappingError(f"{write.operation_id} left no room for a {message}")
        room = room_record(write.after)
        record: dict[str, Any] = {
            "event_id": str(event_id),
            # The change happened when the room says it did: the HTTP answer's updated_at.
            "occurred_at": room["updated_at"],
            "room_id": room["id"],
            "version": room["version"],
            "room": room,
        }
        if message == "RoomUpdated":
            if write.before is None:
                raise RoomMappingError(f"{write.operation_id} had no room before a RoomUpdated")
            record["changed_fields"] = changed_fields(write.before, write.after)
        return record
    if message == "RoomDeleted":
        if write.before is None:
            raise RoomMappingError(f"{write.operation_id} had no room to delete")
        gone = room_record(write.before)
        return {
            "event_id": str(event_id),
            "occurred_at": now,
            "room_id": gone["id"],
            "version": gone["version"],
            "url": gone["url"],
        }
    raise RoomMappingError(
        f"the mock builds RoomCreated, RoomUpdated and RoomDeleted records, not {message}"
    )
