"""The matcher on its own, without a broker: the real encoder's messages, in a chosen order."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import httpx
import pytest

from rooms.adapters.amqp_publisher import message_properties
from rooms.adapters.avro import AvroEventEncoder
from rooms.domain.events import DomainEvent, RoomCreated, RoomDeleted, RoomUpdated
from rooms.domain.model import Room
from rooms.entrypoints.room_json import draft_from_json, room_to_json
from tests.contract.events.codec import SchemaStore
from tests.contract.events.event_checks import EventCheckFailed
from tests.contract.events.event_contract import EventContract, load_event_contract
from tests.contract.events.event_matcher import EventMatcher
from tests.contract.events.event_tap import Delivery
from tests.contract.events.write_recorder import WriteRecorder
from tests.unit.rooms_data import room_body

BASE = "http://provider"


class ListTap:
    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []

    def next(self, timeout: float) -> Delivery | None:
        return self.deliveries.pop(0) if self.deliveries else None


@dataclasses.dataclass
class Provider:
    """Writes seen by the recorder, and the messages a relay would publish for them."""

    recorder: WriteRecorder
    encoder: AvroEventEncoder
    exchange: str
    published: list[Delivery] = dataclasses.field(default_factory=list)

    def respond(self, method: str, path: str, status: int, body: Any = None) -> None:
        request = httpx.Request(method, BASE + path, json=body if method == "POST" else None)
        content = b"" if body is None else json.dumps(body).encode()
        self.recorder.observe(httpx.Response(status, content=content, request=request))

    def publish(self, event: DomainEvent, **changes: Any) -> None:
        encoded = self.encoder.encode(event)
        self.published.append(
            Delivery(
                self.exchange,
                changes.get("routing_key", encoded.routing_key),
                message_properties(encoded),
                encoded.payload,
            )
        )

    def create(self) -> Room:
        body = room_body()
        room = Room.create(draft_from_json(body))
        self.respond("POST", "/rooms", 201, room_to_json(room))
        return room


@pytest.fixture(scope="module")
def contract() -> EventContract:
    return load_event_contract()


@pytest.fixture
def provider(contract: EventContract, avro_store: SchemaStore) -> Provider:
    return Provider(WriteRecorder(contract), AvroEventEncoder(avro_store), contract.exchange)


def settle(
    provider: Provider, avro_store: SchemaStore, order: list[int] | None = None
) -> EventMatcher:
    tap = ListTap()
    published = provider.published
    tap.deliveries = [published[i] for i in order] if order else list(published)
    matcher = EventMatcher(
        provider.recorder, tap, avro_store, exchange=provider.exchange, timeout=0.01
    )
    matcher.settle()
    return matcher


def update(provider: Provider, room: Room, price: int) -> Room:
    changed = dataclasses.replace(room, price=price, version=room.version + 1)
    provider.respond("PATCH", f"/rooms/{room.id}", 200, room_to_json(changed))
    return changed


def test_events_in_order_pass_and_are_counted(provider: Provider, avro_store: SchemaStore) -> None:
    room = provider.create()
    provider.publish(RoomCreated(room=room))
    changed = update(provider, room, 1)
    provider.publish(RoomUpdated(room=changed, changed_fields=("price",)))
    provider.respond("DELETE", f"/rooms/{room.id}", 204)
    provider.publish(RoomDeleted(room_id=room.id, version=changed.version, url=room.url))
    matcher = settle(provider, avro_store)
    assert matcher.stats.writes_checked == {1, 2, 3}


def test_a_rooms_events_swapped_fail_version_order(
    provider: Provider, avro_store: SchemaStore
) -> None:
    room = provider.create()
    provider.publish(RoomCreated(room=room))
    changed = update(provider, room, 1)
    provider.publish(RoomUpdated(room=changed, changed_fields=("price",)))
    with pytest.raises(EventCheckFailed, match=r"^\[version_order\]"):
        settle(provider, avro_store, order=[1, 0])


def test_a_missing_event_fails_event_arrives(provider: Provider, avro_store: SchemaStore) -> None:
    provider.create()
    with pytest.raises(EventCheckFailed, match=r"^\[event_arrives\].*createRoom"):
        settle(provider, avro_store)


def test_an_event_after_a_refused_write_fails_refused_write_emits_nothing(
    provider: Provider, avro_store: SchemaStore
) -> None:
    provider.respond("POST", "/rooms", 409, None)
    leaked = Room.create(draft_from_json(room_body()))
    provider.recorder.urls.add(leaked.url)
    provider.publish(RoomCreated(room=leaked))
    room = provider.create()
    provider.publish(RoomCreated(room=room))
    with pytest.raises(EventCheckFailed, match=r"^\[refused_write_emits_nothing\].*409"):
        settle(provider, avro_store)


def test_the_wrong_message_for_a_write_fails_event_type(
    provider: Provider, avro_store: SchemaStore
) -> None:
    room = provider.create()
    provider.publish(RoomUpdated(room=room, changed_fields=("price",)))
    with pytest.raises(EventCheckFailed, match=r"^\[event_type\]"):
        settle(provider, avro_store)


def test_a_changed_value_fails_fields_match_response(
    provider: Provider, avro_store: SchemaStore
) -> None:
    room = provider.create()
    provider.publish(RoomCreated(room=dataclasses.replace(room, name="Another name")))
    with pytest.raises(EventCheckFailed, match=r"^\[fields_match_response\].*room\.name"):
        settle(provider, avro_store)


def test_a_wrong_key_fails_routing_key(provider: Provider, avro_store: SchemaStore) -> None:
    room = provider.create()
    provider.publish(RoomCreated(room=room), routing_key="room.updated")
    with pytest.raises(EventCheckFailed, match=r"^\[routing_key\]"):
        settle(provider, avro_store)


def test_a_truncated_body_fails_decodes(provider: Provider, avro_store: SchemaStore) -> None:
    room = provider.create()
    provider.publish(RoomCreated(room=room))
    whole = provider.published[0]
    provider.published[0] = dataclasses.replace(whole, body=whole.body[:-3])
    with pytest.raises(EventCheckFailed, match=r"^\[decodes\].*RoomCreated v1"):
        settle(provider, avro_store)


def test_json_instead_of_avro_fails_known_schema(
    provider: Provider, avro_store: SchemaStore
) -> None:
    room = provider.create()
    provider.publish(RoomCreated(room=room))
    whole = provider.published[0]
    provider.published[0] = dataclasses.replace(whole, body=json.dumps(room_to_json(room)).encode())
    with pytest.raises(EventCheckFailed, match=r"^\[known_schema\].*not Avro single-object"):
        settle(provider, avro_store)


def test_a_wrong_type_property_fails_message_properties(
    provider: Provider, avro_store: SchemaStore
) -> None:
    room = provider.create()
    provider.publish(RoomCreated(room=room))
    provider.published[0].properties.type = "RoomUpdated"
    with pytest.raises(EventCheckFailed, match=r"^\[message_properties\].*type='RoomUpdated'"):
        settle(provider, avro_store)
