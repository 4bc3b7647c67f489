"""Rooms as the API's JSON: the one mapping between the contract's shapes and the domain."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from rooms.domain.model import (
    EDITABLE_FIELDS,
    Area,
    Coordinates,
    Image,
    Recurrence,
    Room,
    RoomDraft,
)

JsonObject = dict[str, Any]


def timestamp(value: datetime) -> str:
    """RFC 3339 in UTC with milliseconds, the precision rooms keep."""
    if value.tzinfo is not UTC:  # stored times are UTC already: 40 of these per list page
        value = value.astimezone(UTC)
    return value.isoformat(timespec="milliseconds")[:-6] + "Z"  # "+00:00" -> "Z"


def draft_to_json(draft: RoomDraft | Room) -> JsonObject:
    """The client-editable members; optional ones are absent when unset (as the spec says)."""
    body: JsonObject = {
        "name": draft.name,
        "description": draft.description,
        "price": draft.price,
        "currency": draft.currency,
        "recurrence": draft.recurrence.value,
        "provider": draft.provider,
        "url": draft.url,
        "area": {"name": draft.area.name, "city": draft.area.city, "country": draft.area.country},
        "images": [{"url": image.url} for image in draft.images],
        "is_visible": draft.is_visible,
    }
    if draft.monthly_price is not None:
        body["monthly_price"] = draft.monthly_price
    if draft.property_size is not None:
        body["property_size"] = draft.property_size
    if draft.coordinates is not None:
        body["coordinates"] = {"lat": draft.coordinates.lat, "lon": draft.coordinates.lon}
    return body


def room_to_json(room: Room) -> JsonObject:
    return {
        "id": str(room.id),
        "version": room.version,
        "created_at": timestamp(room.created_at),
        "updated_at": timestamp(room.updated_at),
        **draft_to_json(room),
    }


def draft_from_json(body: JsonObject) -> RoomDraft:
    """A draft from a body that already passed the RoomInput schema."""
    coordinates = body.get("coordinates")
    area = body["area"]
    return RoomDraft(
        name=body["name"],
        description=body.get("description") or "",
        price=body["price"],
        monthly_price=body.get("monthly_price"),
        currency=body["currency"],
        recurrence=Recurrence(body["recurrence"]),
        provider=body["provider"],
        url=body["url"],
        property_size=body.get("property_size"),
        area=Area(name=area["name"], city=area["city"], country=area["country"]),
        coordinates=(
            None
            if coordinates is None
            else Coordinates(lat=float(coordinates["lat"]), lon=float(coordinates["lon"]))
        ),
        images=tuple(Image(url=image["url"]) for image in body.get("images") or ()),
        is_visible=body.get("is_visible", True),
    )


def room_from_json(body: JsonObject) -> Room:
    """A stored room from its API representation (the inverse of room_to_json)."""
    draft = draft_from_json(body)
    return Room(
        id=uuid.UUID(body["id"]),
        version=body["version"],
        created_at=datetime.fromisoformat(body["created_at"]),
        updated_at=datetime.fromisoformat(body["updated_at"]),
        **{name: getattr(draft, name) for name in EDITABLE_FIELDS},
    )
