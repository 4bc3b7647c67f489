"""`rooms-mock --stateful --amqp-url`: each HTTP write's events on the real RabbitMQ, decoded and
compared with the HTTP answers; the on-demand endpoint and `rooms-mock publish`."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from conftest import API_KEY, NEW_ROOM, run_mock
from events.conftest import Listener, Received
from events.event_checks import assert_event_shows
from rooms_events import decode_event
from rooms_events.json_form import to_json
from rooms_mock.cli import main

pytestmark = pytest.mark.integration

KEY = {"X-API-Key": API_KEY}
MERGE_PATCH = {**KEY, "Content-Type": "application/merge-patch+json"}


def _mock_args(amqp_url: str, listener: Listener) -> tuple[str, ...]:
    return (
        "--stateful",
        "--amqp-url",
        amqp_url,
        "--events-exchange",
        listener.exchange,
        "--api-key",
        API_KEY,
        "--no-reload",
    )


def _check_envelope(message: Received, kind: str, key: str, room_id: str, version: int) -> Any:
    """The AMQP properties the relay sets, and the body: decoded, and agreeing with them."""
    event = decode_event(message.body)
    properties = message.properties
    assert message.routing_key == key
    assert event.type == properties.type == kind
    assert properties.message_id == str(event.record["event_id"])
    assert properties.content_type == "application/avro"
    assert properties.delivery_mode == 2
    assert isinstance(properties.timestamp, int)
    assert properties.headers == {
        "avro-fingerprint": event.fingerprint,
        "room-id": room_id,
        "room-version": version,
    }
    assert str(event.record["room_id"]) == room_id
    assert event.record["version"] == version
    return event


def test_writes_on_the_stateful_mock_publish_their_events(
    amqp_url: str, listener: Listener
) -> None:
    with run_mock(*_mock_args(amqp_url, listener)) as mock:
        created = requests.post(f"{mock.url}/rooms", json=NEW_ROOM, headers=KEY, timeout=10)
        assert created.status_code == 201
        room = created.json()
        path = f"{mock.url}/rooms/{room['id']}"
        updated = requests.patch(
            path, json={"price": 4100, "images": []}, headers=MERGE_PATCH, timeout=10
        )
        assert updated.status_code == 200
        assert requests.delete(path, headers=KEY, timeout=10).status_code == 204
        # Refused writes emit nothing.
        assert requests.delete(path, headers=KEY, timeout=10).status_code == 404
        assert (
            requests.post(f"{mock.url}/rooms", json={}, headers=KEY, timeout=10).status_code == 400
        )

        received = listener.take(3)
        assert [m.routing_key for m in received] == ["room.created", "room.updated", "room.deleted"]
        assert listener.nothing_more() == []

    now = updated.json()
    first = _check_envelope(received[0], "RoomCreated", "room.created", room["id"], 1)
    assert_event_shows(first.record["room"], room)
    second = _check_envelope(received[1], "RoomUpdated", "room.updated", room["id"], 2)
    assert_event_shows(second.record["room"], now)
    assert second.record["changed_fields"] == ["price"]
    gone = _check_envelope(received[2], "RoomDeleted", "room.deleted", room["id"], 2)
    assert gone.record["url"] == room["url"]


def test_events_on_demand_over_http(amqp_url: str, listener: Listener) -> None:
    """Drawn events (the same for the same seed), every documented example as documented,
    and refusals that say what exists; one running mock for all of it."""
    from rooms_events.transport import EventTransport

    transport = EventTransport.bundled()
    wanted = [(message, example) for message in transport for example in message.examples]
    assert wanted, "the AsyncAPI document has no examples to publish"
    with run_mock(*_mock_args(amqp_url, listener)) as mock:
        events = f"{mock.url}/__mock__/events"
        first = requests.post(f"{events}/RoomDeleted?dynamic&seed=7&count=3", timeout=10)
        assert first.status_code == 200, first.text
        again = requests.post(f"{events}/RoomDeleted?dynamic&seed=7&count=3", timeout=10)
        assert again.status_code == 200, again.text
        drawn = listener.take(6)
        for message, example in wanted:
            answer = requests.post(f"{events}/{message.name}?example={example.name}", timeout=10)
            assert answer.status_code == 200, answer.text
            # The answer shows the record as the document writes the example.
            assert answer.json()["published"][0]["record"] == example.payload
        documented = listener.take(len(wanted))
        listed = requests.get(events, timeout=10)
        unknown = requests.post(f"{events}/RoomExploded", timeout=10)
        bad_count = requests.post(f"{events}/RoomCreated?dynamic&count=0", timeout=10)
        bad_example = requests.post(f"{events}/RoomCreated?example=nope", timeout=10)
        assert listener.nothing_more() == []

    assert [m.properties.type for m in drawn] == ["RoomDeleted"] * 6
    records = [decode_event(m.body).record for m in drawn]
    assert records[:3] == records[3:]  # the same seed, the same events
    assert len({str(r["event_id"]) for r in records[:3]}) == 3
    assert [p["message_id"] for p in first.json()["published"]] == [
        str(r["event_id"]) for r in records[:3]
    ]
    assert len(documented) == len(wanted)
    for (message, example), got in zip(wanted, documented, strict=True):
        assert got.routing_key == message.routing_key
        assert got.properties.type == message.message_type
        assert got.properties.headers == example.headers, f"{message.name}/{example.name}"
        assert got.properties.message_id == example.payload["event_id"]
        # The decoded record, written back as the example writes JSON, is the example.
        assert to_json(decode_event(got.body).record) == example.payload
    assert set(listed.json()) == {"RoomCreated", "RoomUpdated", "RoomDeleted"}
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert "RoomCreated" in unknown.json()["detail"]
    assert bad_count.status_code == 400
    assert bad_example.status_code == 400
    assert "centralFlat" in bad_example.json()["detail"]


def test_rooms_mock_publish_from_the_command_line(
    amqp_url: str, listener: Listener, capsys: pytest.CaptureFixture[str]
) -> None:
    drawn = ["RoomUpdated", "--dynamic", "--seed", "3", "--count", "2"]
    main(["publish", *drawn, "--amqp-url", amqp_url, "--exchange", listener.exchange])
    received = listener.take(2)
    assert [m.routing_key for m in received] == ["room.updated", "room.updated"]
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2
    for line, message in zip(printed, received, strict=True):
        assert message.properties.message_id in line
        decode_event(message.body)


def test_an_unreachable_broker_stops_the_mock_with_a_clear_error() -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--stateful", "--port", "0", "--amqp-url", "amqp://guest:guest@127.0.0.1:9/%2F"])
    assert "cannot reach RabbitMQ at amqp://guest:***@127.0.0.1:9/%2F" in str(stopped.value.code)


def _received(**changes: Any) -> Received:
    """RoomCreated's first example as the mock publishes it, with the given parts broken."""
    import pika

    from rooms_mock.events.contract import load_contract
    from rooms_mock.events.on_demand import OnDemand

    event = OnDemand(load_contract()).examples("RoomCreated", "centralFlat")[0]
    properties = {
        "message_id": event.message_id,
        "content_type": event.content_type,
        "type": event.message,
        "timestamp": event.timestamp,
        "delivery_mode": event.delivery_mode,
        "headers": dict(event.headers),
    }
    routing_key = changes.pop("routing_key", event.routing_key)
    properties.update(changes)
    return Received(routing_key, event.exchange, pika.BasicProperties(**properties), event.body)


@pytest.mark.parametrize(
    ("broken", "changes"),
    [
        ("routing key", {"routing_key": "room.updated"}),
        ("transient delivery", {"delivery_mode": 1}),
        ("message id", {"message_id": "not-the-event-id"}),
        ("header dropped", {"headers": {"avro-fingerprint": "6ce3052c8db13791"}}),
        ("content type", {"content_type": "application/json"}),
    ],
)
def test_the_envelope_check_catches_a_broken_publisher(
    broken: str, changes: dict[str, Any]
) -> None:
    room_id = "0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e01"
    _check_envelope(_received(), "RoomCreated", "room.created", room_id, 1)  # as published
    with pytest.raises(AssertionError):
        _check_envelope(_received(**changes), "RoomCreated", "room.created", room_id, 1)


def test_a_reloaded_spec_keeps_publishing(amqp_url: str, listener: Listener) -> None:
    """After the spec reloads, the new engine's writes publish too (the CLI's on_reload)."""
    from conftest import SPEC, caller
    from rooms_mock.engine import MockEngine, MockOptions
    from rooms_mock.events.wiring import MockEvents

    options = MockOptions(stateful=True)
    first = MockEngine.from_path(SPEC, options)
    events = MockEvents(first, amqp_url, listener.exchange)
    try:
        assert caller(first)("POST", "/rooms", json_body=NEW_ROOM).status == 201
        reloaded = MockEngine.from_path(SPEC, options)
        events.attach(reloaded)
        events.attach(reloaded)  # as the CLI may after MockApp carried the listener over
        assert caller(reloaded)("POST", "/rooms", json_body=NEW_ROOM).status == 201
    finally:
        events.close()
    assert [m.routing_key for m in listener.take(2)] == ["room.created", "room.created"]
    assert listener.nothing_more() == []  # one listener, not two: each write published once
