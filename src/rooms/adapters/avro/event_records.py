"""Domain events as Avro records of the newest stored schemas, and the outbox's encoder."""

from __future__ import annotations

from typing import Any

from rooms.domain.events import DomainEvent, RoomCreated, RoomDeleted, RoomUpdated
from rooms.domain.model import Room
from rooms.service_layer.event_encoding import EncodedEvent
from rooms_events import SchemaStore, encode

ROUTING_KEYS = {
    "RoomCreated": "room.created",
    "RoomUpdated": "room.updated",
    "RoomDeleted": "room.deleted",
}


def room_record(room: Room) -> dict[str, Any]:
    return {
        "id": room.id,
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
        "url": room.url,
        "property_size": room.property_size,
        "area": {"name": room.area.name, "city": room.area.city, "country": room.area.country},
        "coordinates": (
            None
            if room.coordinates is None
            else {"lat": room.coordinates.lat, "lon": room.coordinates.lon}
        ),
        "images": [{"url": image.url} for image in room.images],
        "is_visible": room.is_visible,
    }


def event_record(event: DomainEvent) -> dict[str, Any]:
    record: dict[str, Any] = {
        "event_id": event.event_id,
        "occurred_at": event.occurred_at,
        "room_id": event.room_id,
        "version": event.version,
    }
    if isinstance(event, RoomCreated | RoomUpdated):
        record["room"] = room_record(event.room)
    if isinstance(event, RoomUpdated):
        record["changed_fields"] = list(event.changed_fields)
    if isinstance(event, RoomDeleted):
        record["url"] = event.url
    return record


class AvroEventEncoder:
    """Encodes each event with the newest stored version of its schema (the outbox's writer)."""

    def __init__(self, store: SchemaStore | None = None) -> None:
        self.store = store or SchemaStore.bundled()

    def encode(self, event: DomainEvent) -> EncodedEvent:
        event_type = type(event).__name__
        writer = self.store.latest(event_type)
        return EncodedEvent(
            event_id=event.event_id,
            event_type=event_type,
            routing_key=ROUTING_KEYS[event_type],
            room_id=event.room_id,
            room_version=event.version,
            occurred_at=event.occurred_at,
            schema_fingerprint=writer.fingerprint,
            payload=encode(writer, event_record(event)),
        )
