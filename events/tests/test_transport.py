"""The transport reader: what asyncapi.yaml says, and clear errors for what it cannot read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rooms_events import SchemaStore
from rooms_events.transport import EventTransport, TransportError

ROUTING = {
    "RoomCreated": "room.created",
    "RoomUpdated": "room.updated",
    "RoomDeleted": "room.deleted",
}


@pytest.fixture(scope="module")
def transport() -> EventTransport:
    return EventTransport.bundled()


def test_every_room_event_travels_on_the_durable_topic_exchange(transport: EventTransport) -> None:
    assert (transport.exchange, transport.exchange_type) == ("rooms.events", "topic")
    assert transport.durable
    assert not transport.auto_delete
    assert {m.name: m.routing_key for m in transport} == ROUTING
    for message in transport:
        assert transport.by_routing_key(message.routing_key) is message
        assert message.content_type == "application/avro"
        assert message.message_type == message.name
        assert message.persistent
        assert message.timestamp
        assert message.required_headers == ("avro-fingerprint", "room-id", "room-version")


def test_each_payload_is_the_newest_stored_schema_and_examples_carry_its_fingerprint(
    transport: EventTransport, avro_store: SchemaStore
) -> None:
    for message in transport:
        newest = avro_store.latest(message.name)
        assert message.payload_schema == newest.path.resolve(), message.name
        assert message.examples, f"{message.name} has no example"
        for example in message.examples:
            assert example.headers["avro-fingerprint"] == newest.fingerprint.hex()
            assert example.headers["room-id"] == example.payload["room_id"]
            assert example.headers["room-version"] == example.payload["version"]


def test_unknown_names_are_refused_naming_what_exists(transport: EventTransport) -> None:
    with pytest.raises(KeyError, match="RoomCreated"):
        transport.message("RoomMoved")
    with pytest.raises(KeyError, match="centralFlat"):
        transport.message("RoomCreated").example("nope")


def broken(tmp_path: Path, change: Any) -> Path:
    document = yaml.safe_load(EventTransport.bundled().path.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "asyncapi.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def _drop_exchange(d: dict[str, Any]) -> None:
    del d["components"]["channelBindings"]["roomsEvents"]["amqp"]["exchange"]


def _dangling_channel(d: dict[str, Any]) -> None:
    d["operations"]["publishRoomCreated"]["channel"] = {"$ref": "#/channels/roomMoved"}


def _second_exchange(d: dict[str, Any]) -> None:
    d["channels"]["roomDeleted"]["bindings"] = {
        "amqp": {"is": "routingKey", "exchange": {"name": "other", "type": "topic"}}
    }


def _inline_payload(d: dict[str, Any]) -> None:
    d["components"]["messages"]["RoomCreated"]["payload"] = {"type": "object"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(asyncapi="2.6.0"), "not an AsyncAPI 3 document"),
        (_drop_exchange, "no AMQP binding naming an exchange"),
        (_dangling_channel, "points at nothing"),
        (_second_exchange, "several exchanges"),
        (_inline_payload, r"must \$ref an Avro file"),
        (lambda d: d.pop("operations"), "operations is missing"),
    ],
    ids=["version-2", "no-exchange", "dangling-ref", "two-exchanges", "inline-payload", "no-ops"],
)
def test_a_document_it_cannot_read_is_refused_saying_where(
    tmp_path: Path, change: Any, message: str
) -> None:
    with pytest.raises(TransportError, match=message):
        EventTransport.load(broken(tmp_path, change))


def test_unreadable_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "asyncapi.yaml"
    path.write_text("asyncapi: [3.0.0", encoding="utf-8")
    with pytest.raises(TransportError, match="not a readable YAML"):
        EventTransport.load(path)
