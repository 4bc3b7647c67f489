"""Events through the real RabbitMQ: what the API changed arrives, decodes, and nothing is lost."""

from __future__ import annotations

import io
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import avro.io
import avro.schema
import jsonschema
import pika
import pytest
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from rooms.adapters.amqp_publisher import FINGERPRINT_HEADER, AmqpPublisher, bundled_transport
from rooms.adapters.orm import outbox
from rooms.adapters.outbox_relay import OutboxRelay
from rooms.entrypoints.app import RoomsApp
from rooms_events import HEADER_SIZE, SchemaStore, decode_event
from tests.conftest import WRITE_HEADERS
from tests.tcp_proxy import TcpProxy
from tests.unit.rooms_data import room_body

pytestmark = pytest.mark.integration


class Queue:
    """A private queue bound to every room event of one exchange, read with basic_get."""

    def __init__(self, amqp_url: str, exchange: str) -> None:
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        self.channel = self.connection.channel()
        self.exchange = exchange
        # Declared as the publisher declares it (durable), and deleted when the test ends.
        self.channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        self.name = self.channel.queue_declare("", exclusive=True).method.queue
        self.channel.queue_bind(self.name, exchange, routing_key="room.*")

    def take(self, count: int, timeout: float = 20) -> list[tuple[Any, Any, bytes]]:
        messages: list[tuple[Any, Any, bytes]] = []
        deadline = time.monotonic() + timeout
        while len(messages) < count and time.monotonic() < deadline:
            method, properties, body = self.channel.basic_get(self.name, auto_ack=True)
            if method is None:
                time.sleep(0.05)
                continue
            messages.append((method, properties, body))
        return messages

    def close(self) -> None:
        self.channel.exchange_delete(self.exchange)
        self.connection.close()


@pytest.fixture
def exchange() -> str:
    """An exchange of this test's own: other runs on the same broker cannot mix in."""
    return f"{bundled_transport().exchange}.test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def queue(amqp_url: str, exchange: str) -> Iterator[Queue]:
    bound = Queue(amqp_url, exchange)
    yield bound
    bound.close()


@pytest.fixture
def relay(db_app: RoomsApp, amqp_url: str, exchange: str) -> Iterator[OutboxRelay]:
    publisher = AmqpPublisher(amqp_url, exchange=exchange)
    yield OutboxRelay(db_app.injector.get(Engine), publisher)
    publisher.close()


def apache_decode(store: SchemaStore, payload: bytes) -> dict[str, Any]:
    writer = store.by_fingerprint(payload[2:HEADER_SIZE])
    assert writer is not None
    schema = avro.schema.parse(json.dumps(writer.schema))
    return dict(
        avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(payload[HEADER_SIZE:])))
    )


def api_view(record: dict[str, Any]) -> dict[str, Any]:
    """An event's room as the API shows rooms (optional members absent when unset)."""
    room = dict(record)
    room["id"] = str(room["id"])
    room["created_at"] = (
        room["created_at"].isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )
    room["updated_at"] = (
        room["updated_at"].isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )
    return {key: value for key, value in room.items() if value is not None}


def test_every_change_through_the_api_arrives_and_decodes_to_what_the_api_answered(
    api: TestClient, relay: OutboxRelay, queue: Queue, avro_store: SchemaStore
) -> None:
    created = api.post("/rooms", json=room_body(), headers=WRITE_HEADERS).json()
    patch_headers = {**WRITE_HEADERS, "Content-Type": "application/merge-patch+json"}
    updated = api.patch(
        f"/rooms/{created['id']}", content='{"price": 1234}', headers=patch_headers
    ).json()
    assert api.delete(f"/rooms/{created['id']}", headers=WRITE_HEADERS).status_code == 204
    assert relay.publish_pending() == 3

    messages = queue.take(3)
    assert [m.routing_key for m, _, _ in messages] == [
        "room.created",
        "room.updated",
        "room.deleted",
    ]
    expected_rooms = [created, updated]
    for (_method, properties, body), expected in zip(messages[:2], expected_rooms, strict=True):
        ours = decode_event(body).record
        reference = apache_decode(avro_store, body)
        assert api_view(ours["room"]) == expected
        assert api_view(reference["room"]) == expected
        assert properties.message_id == str(ours["event_id"])
        assert properties.content_type == "application/avro"
        assert properties.delivery_mode == 2
        assert properties.headers[FINGERPRINT_HEADER] == body[2:HEADER_SIZE].hex()
    assert decode_event(messages[1][2]).record["changed_fields"] == ["price"]
    deleted = decode_event(messages[2][2])
    assert deleted.type == messages[2][1].type == "RoomDeleted"
    assert str(deleted.record["room_id"]) == created["id"]
    assert apache_decode(avro_store, messages[2][2])["version"] == 2


def test_a_broker_outage_loses_nothing(
    db_app: RoomsApp, api: TestClient, amqp_url: str, queue: Queue, exchange: str
) -> None:
    proxy = TcpProxy.in_front_of(amqp_url, 5672)
    proxied = proxy.url_for(amqp_url)
    relay = OutboxRelay(
        db_app.injector.get(Engine),
        AmqpPublisher(proxied, exchange=exchange),
        idle_seconds=0.05,
        max_backoff_seconds=0.2,
    )
    stop = threading.Event()
    runner = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    runner.start()
    try:
        first = [
            api.post("/rooms", json=room_body(), headers=WRITE_HEADERS).json()["id"]
            for _ in range(3)
        ]
        before = [str(decode_event(body).record["room_id"]) for _, _, body in queue.take(3)]
        assert before == first
        proxy.cut()
        during = [
            api.post("/rooms", json=room_body(), headers=WRITE_HEADERS).json()["id"]
            for _ in range(5)
        ]
        time.sleep(1.0)  # the relay tries, fails and backs off while the broker is away
        assert queue.take(1, timeout=0.5) == []
        engine = db_app.injector.get(Engine)
        with engine.connect() as connection:
            waiting = connection.scalar(select(func.count()).where(outbox.c.published_at.is_(None)))
        assert waiting == 5
        proxy.restore()
        arrived = queue.take(5, timeout=30)
    finally:
        stop.set()
        runner.join(timeout=10)
        proxy.close()
    rooms_seen = [str(decode_event(body).record["room_id"]) for _, _, body in arrived]
    assert sorted(set(rooms_seen)) == sorted(during)
    # At least once: a duplicate may only repeat an event, with its message_id.
    ids = {properties.message_id for _, properties, _ in arrived}
    assert len(ids) == len(set(during))


def test_two_relays_at_once_publish_each_event_once(
    db_app: RoomsApp, api: TestClient, amqp_url: str, queue: Queue, exchange: str
) -> None:
    for _ in range(40):
        api.post("/rooms", json=room_body(), headers=WRITE_HEADERS)
    engine = db_app.injector.get(Engine)
    publishers = [AmqpPublisher(amqp_url, exchange=exchange) for _ in range(2)]
    relays = [OutboxRelay(engine, publisher, batch_size=5) for publisher in publishers]
    barrier = threading.Barrier(2)

    def drain(relay: OutboxRelay) -> None:
        barrier.wait()
        while relay.publish_pending() or _waiting(engine):
            pass

    threads = [threading.Thread(target=drain, args=(r,)) for r in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    messages = queue.take(40)
    ids = [properties.message_id for _, properties, _ in messages]
    assert len(ids) == 40
    assert len(set(ids)) == 40
    assert queue.take(1, timeout=0.5) == []
    for publisher in publishers:
        publisher.close()


def _waiting(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.scalar(select(func.count()).where(outbox.c.published_at.is_(None))) or 0
        )


def test_events_of_one_room_go_out_in_order(
    api: TestClient, relay: OutboxRelay, queue: Queue
) -> None:
    room = api.post("/rooms", json=room_body(), headers=WRITE_HEADERS).json()
    headers = {**WRITE_HEADERS, "Content-Type": "application/merge-patch+json"}
    for price in range(1, 6):
        api.patch(f"/rooms/{room['id']}", content=json.dumps({"price": price}), headers=headers)
    relay.publish_pending()
    versions = [decode_event(body).record["version"] for _, _, body in queue.take(6)]
    assert versions == [1, 2, 3, 4, 5, 6]
    assert uuid.UUID(room["id"])


def test_what_the_relay_publishes_is_what_asyncapi_yaml_says(
    api: TestClient, relay: OutboxRelay, queue: Queue, amqp_url: str, exchange: str
) -> None:
    transport = bundled_transport()
    created = api.post("/rooms", json=room_body(), headers=WRITE_HEADERS).json()
    patch_headers = {**WRITE_HEADERS, "Content-Type": "application/merge-patch+json"}
    api.patch(f"/rooms/{created['id']}", content='{"price": 99}', headers=patch_headers)
    api.delete(f"/rooms/{created['id']}", headers=WRITE_HEADERS)
    assert relay.publish_pending() == 3
    messages = queue.take(3)
    assert [properties.type for _, properties, _ in messages] == [m.name for m in transport]
    for method, properties, body in messages:
        expected = transport.message(properties.type)
        event = decode_event(body)
        assert method.routing_key == expected.routing_key
        assert properties.content_type == expected.content_type
        assert properties.type == expected.message_type == event.type
        assert properties.delivery_mode == expected.delivery_mode
        assert properties.message_id == str(event.record["event_id"])
        assert properties.timestamp == int(event.record["occurred_at"].timestamp())
        assert set(expected.required_headers) <= set(properties.headers)
        jsonschema.validate(properties.headers, expected.headers_schema)
    # The exchange exists as the document declares it: a passive redeclare with another
    # type or durability would close the channel.
    probe = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        probe.channel().exchange_declare(
            exchange, exchange_type=transport.exchange_type, durable=transport.durable
        )
    finally:
        probe.close()
