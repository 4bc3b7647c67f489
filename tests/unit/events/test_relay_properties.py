"""The relay's AMQP properties come from asyncapi.yaml: change the document, they follow."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rooms.adapters.amqp_publisher import AmqpPublisher, message_properties
from rooms.service_layer.event_encoding import EncodedEvent
from rooms_events.transport import EventTransport


def an_event(event_type: str = "RoomCreated") -> EncodedEvent:
    return EncodedEvent(
        event_id=uuid.uuid4(),
        event_type=event_type,
        routing_key="whatever the outbox says",
        room_id=uuid.uuid4(),
        room_version=4,
        occurred_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        schema_fingerprint=bytes(range(8)),
        payload=b"",
    )


def edited(tmp_path: Path, edit: str, replacement: str) -> EventTransport:
    source = EventTransport.bundled().path.read_text(encoding="utf-8")
    assert edit in source
    (tmp_path / "asyncapi.yaml").write_text(source.replace(edit, replacement), encoding="utf-8")
    return EventTransport.load(tmp_path / "asyncapi.yaml")


def test_properties_are_those_the_document_gives_each_message() -> None:
    transport = EventTransport.bundled()
    for message in transport:
        event = an_event(message.name)
        properties = message_properties(event, transport)
        assert properties.content_type == message.content_type
        assert properties.type == message.message_type
        assert properties.delivery_mode == message.delivery_mode
        assert properties.message_id == str(event.event_id)
        assert properties.timestamp == int(event.occurred_at.timestamp())
        assert properties.headers == {
            "avro-fingerprint": "0001020304050607",
            "room-id": str(event.room_id),
            "room-version": 4,
        }


def test_a_changed_document_changes_what_the_relay_sends(tmp_path: Path) -> None:
    transport = edited(tmp_path, "deliveryMode: 2", "deliveryMode: 1")
    assert message_properties(an_event(), transport).delivery_mode == 1
    transport = edited(tmp_path, "defaultContentType: application/avro", "defaultContentType: x")
    assert transport.message("RoomCreated").content_type == "application/avro"  # message wins


def test_a_header_the_relay_cannot_fill_stops_it_at_start(tmp_path: Path) -> None:
    transport = edited(
        tmp_path,
        "required: [avro-fingerprint, room-id, room-version]",
        "required: [avro-fingerprint, room-id, room-version, tenant]",
    )
    with pytest.raises(ValueError, match="tenant"):
        AmqpPublisher("amqp://guest:guest@127.0.0.1:1/", transport=transport)


class RecordingChannel:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def basic_publish(self, **message: Any) -> None:
        self.published.append(message)


def test_the_exchange_and_routing_key_are_read_not_hard_coded(tmp_path: Path) -> None:
    transport = edited(tmp_path, "address: room.created", "address: rooms.v2.created")
    publisher = AmqpPublisher("amqp://guest:guest@127.0.0.1:1/", transport=transport)
    channel = RecordingChannel()
    publisher._ready_channel = lambda: channel  # type: ignore[method-assign]
    publisher.publish(an_event("RoomCreated"))
    publisher.publish(an_event("RoomDeleted"))
    assert [(m["exchange"], m["routing_key"]) for m in channel.published] == [
        ("rooms.events", "rooms.v2.created"),
        ("rooms.events", "room.deleted"),
    ]
