"""Providers broken on purpose, each in one way an event can break: relays that change what
they publish, and a service that leaks an event of a write it refused.

Applied in tests only (a publisher factory, an injector binding): no fault switch exists
in production code.
"""

from __future__ import annotations

import dataclasses
import io
import uuid
from collections.abc import Callable
from typing import Any

from fastavro import schemaless_writer
from fastavro.schema import fingerprint, parse_schema, to_parsing_canonical_form
from injector import Module, provider, singleton

from rooms.adapters.amqp_publisher import AmqpPublisher, bundled_transport
from rooms.adapters.outbox_relay import Publisher
from rooms.domain.errors import RoomError
from rooms.domain.events import RoomCreated, RoomUpdated
from rooms.domain.model import Room, RoomDraft
from rooms.service_layer.event_encoding import EncodedEvent
from rooms.service_layer.room_service import RoomService
from rooms.service_layer.unit_of_work import UnitOfWorkFactory
from rooms_events.transport import EventTransport
from tests.contract.events.codec import HEADER_SIZE, MARKER, SchemaStore, decode, encode

PublisherFactory = Callable[[str, str], Publisher]  # (amqp_url, exchange) -> publisher


class _Relayed:
    """Forwards to the real publisher; subclasses change what goes through."""

    def __init__(self, amqp_url: str, exchange: str) -> None:
        self.inner = AmqpPublisher(amqp_url, exchange=exchange)

    def publish(self, event: EncodedEvent) -> None:
        self.inner.publish(event)

    def close(self) -> None:
        self.inner.close()


def drops_a_field(store: SchemaStore) -> PublisherFactory:
    """Publishes every room without its property_size (as a relay mapping rows would)."""

    class DropsAField(_Relayed):
        def publish(self, event: EncodedEvent) -> None:
            decoded = decode(
                store, event.payload, reader=store.by_fingerprint(event.payload[2:HEADER_SIZE])
            )
            if "room" in decoded.record:
                decoded.record["room"]["property_size"] = None
                event = dataclasses.replace(event, payload=encode(decoded.writer, decoded.record))
            super().publish(event)

    return DropsAField


def _with_message(name: str, **changes: Any) -> EventTransport:
    """The contract's transport with one message's routing key or headers changed."""
    transport = bundled_transport()
    message = dataclasses.replace(transport.message(name), **changes)
    return dataclasses.replace(transport, messages={**transport.messages, name: message})


def wrong_routing_key(amqp_url: str, exchange: str) -> Publisher:
    """Updates go out on `room.changed`, a key the contract does not have."""
    transport = _with_message("RoomUpdated", routing_key="room.changed")
    return AmqpPublisher(amqp_url, exchange=exchange, transport=transport)


def without_room_version_header(amqp_url: str, exchange: str) -> Publisher:
    """Leaves the `room-version` header out of RoomCreated."""
    created = bundled_transport().message("RoomCreated")
    headers = tuple(name for name in created.required_headers if name != "room-version")
    transport = _with_message("RoomCreated", required_headers=headers)
    return AmqpPublisher(amqp_url, exchange=exchange, transport=transport)


class SilentOnDelete(_Relayed):
    """Marks RoomDeleted sent without publishing it."""

    def publish(self, event: EncodedEvent) -> None:
        if event.event_type != "RoomDeleted":
            super().publish(event)


class PublishesUpdatesTwice(_Relayed):
    """Sends every RoomUpdated twice, as a relay that forgets to mark rows sent would."""

    def publish(self, event: EncodedEvent) -> None:
        super().publish(event)
        if event.event_type == "RoomUpdated":
            super().publish(event)


class ReordersARoomsEvents(_Relayed):
    """Holds each RoomCreated back until the room's next event has gone out."""

    def __init__(self, amqp_url: str, exchange: str) -> None:
        super().__init__(amqp_url, exchange)
        self.held: dict[uuid.UUID, EncodedEvent] = {}

    def publish(self, event: EncodedEvent) -> None:
        if event.event_type == "RoomCreated":
            self.held[event.room_id] = event
            return
        super().publish(event)
        held = self.held.pop(event.room_id, None)
        if held is not None:
            super().publish(held)


def unknown_schema(store: SchemaStore) -> PublisherFactory:
    """Writes RoomUpdated with a schema nobody stored (one optional field more)."""
    latest = store.latest("RoomUpdated")
    grown: dict[str, Any] = {
        **latest.schema,
        "fields": [
            *latest.schema["fields"],
            {"name": "floor", "type": ["null", "int"], "default": None},
        ],
    }
    parsed = parse_schema(grown, _write_hint=False)
    print_ = bytes.fromhex(fingerprint(to_parsing_canonical_form(parsed), "CRC-64-AVRO"))
    assert store.by_fingerprint(print_) is None

    class UnknownSchema(_Relayed):
        def publish(self, event: EncodedEvent) -> None:
            if event.event_type == "RoomUpdated":
                record = decode(store, event.payload).record
                buffer = io.BytesIO()
                buffer.write(MARKER + print_)
                schemaless_writer(buffer, parsed, {**record, "floor": 3})
                event = dataclasses.replace(
                    event, payload=buffer.getvalue(), schema_fingerprint=print_
                )
            super().publish(event)

    return UnknownSchema


class LeaksEventsOfRefusedWrites(RoomService):
    """Records an event for a create it refuses (409) or an update it refuses (412)."""

    def create(self, draft: RoomDraft) -> Room:
        try:
            return super().create(draft)
        except RoomError:
            self._leak(RoomCreated(room=Room.create(draft)))
            raise

    def update(self, room_id: uuid.UUID, change: Any, *, if_match: str | None = None) -> Room:
        try:
            return super().update(room_id, change, if_match=if_match)
        except RoomError:
            current = self.get(room_id)
            self._leak(RoomUpdated(room=current, changed_fields=("price",)))
            raise

    def _leak(self, event: RoomCreated | RoomUpdated) -> None:
        with self._uow_factory() as uow:
            uow.record(event)
            uow.commit()


class LeakingService(Module):
    """Binds the leaking service where the handlers look for RoomService."""

    @singleton
    @provider
    def room_service(self, uow_factory: UnitOfWorkFactory) -> RoomService:
        return LeaksEventsOfRefusedWrites(uow_factory)
