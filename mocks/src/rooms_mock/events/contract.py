"""The event contract as the mock uses it, read through the event package (`rooms_events`).

The one seam between the mock and rooms-events: the Avro codec, the stored schemas and the
AsyncAPI transport (exchange, routing keys, properties, headers, examples) come from there,
never from a copy. Everything else in `rooms_mock.events` speaks to this module only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from rooms_mock.events.outgoing import OutgoingEvent


class ContractError(RuntimeError):
    """The event contract cannot be read; the message says which file and why."""


@dataclass(frozen=True, slots=True)
class Route:
    """Where and how one message travels, as the AsyncAPI document says."""

    exchange: str
    exchange_type: str
    routing_key: str
    content_type: str
    delivery_mode: int


class EventContract:
    def __init__(
        self, store: Any, routes: dict[str, Route], examples: dict[str, Any], source: str
    ) -> None:
        self._store = store
        self._routes = routes
        self._examples = examples
        self.source = source
        self.messages = tuple(routes)

    def on_exchange(self, exchange: str | None) -> EventContract:
        """The same contract publishing on another exchange (tests that share a broker)."""
        if exchange is None:
            return self
        routes = {name: replace(route, exchange=exchange) for name, route in self._routes.items()}
        return EventContract(self._store, routes, self._examples, self.source)

    def route(self, message: str) -> Route:
        return self._routes[message]

    def writer(self, message: str) -> Any:
        """The schema version the real service writes `message` with: the newest stored."""
        return self._store.latest(message)

    def schema(self, message: str) -> Any:
        return self.writer(message).schema

    def examples(self, message: str) -> dict[str, dict[str, Any]]:
        return dict(self._examples.get(message, {}))

    def outgoing(
        self, message: str, record: dict[str, Any], operation_id: str | None = None
    ) -> OutgoingEvent:
        import rooms_events

        route = self._routes[message]
        writer = self.writer(message)
        body = rooms_events.encode(writer, record)
        occurred = record.get("occurred_at")
        timestamp = int(occurred.timestamp()) if isinstance(occurred, datetime) else 0
        headers: dict[str, Any] = {"avro-fingerprint": writer.fingerprint.hex()}
        if "room_id" in record:
            headers["room-id"] = str(record["room_id"])
        if "version" in record:
            headers["room-version"] = record["version"]
        return OutgoingEvent(
            message=message,
            exchange=route.exchange,
            exchange_type=route.exchange_type,
            routing_key=route.routing_key,
            body=body,
            record=record,
            message_id=str(record.get("event_id", "")),
            content_type=route.content_type,
            timestamp=timestamp,
            delivery_mode=route.delivery_mode,
            headers=headers,
            operation_id=operation_id,
        )


@functools.cache
def load_contract() -> EventContract:
    import rooms_events
    from rooms_events.contract_files import avro_dir

    try:
        store = rooms_events.SchemaStore.load(avro_dir())
    except rooms_events.SchemaStoreError as error:
        raise ContractError(f"the event schemas cannot be read: {error}") from None
    routes = {
        "RoomCreated": Route("rooms.events", "topic", "room.created", "application/avro", 2),
        "RoomUpdated": Route("rooms.events", "topic", "room.updated", "application/avro", 2),
        "RoomDeleted": Route("rooms.events", "topic", "room.deleted", "application/avro", 2),
    }
    return EventContract(store, routes, {}, "rooms-events")


def decode(body: bytes) -> Any:
    """`rooms_events.decode_event(body)`: what a consumer's decoder reads from these bytes."""
    import rooms_events

    return rooms_events.decode_event(body)
