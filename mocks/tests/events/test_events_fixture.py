"""`api.events`: the events the mock would have published for a test's calls, without a broker."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from conftest import NEW_ROOM
from events.event_checks import assert_event_shows, room_mismatches
from rooms_mock import rooms_mock
from rooms_mock.events import EventsExtraMissing, room_records
from rooms_mock.recorder import MockedApi

KEY = {"X-API-Key": "any-key"}
MERGE_PATCH = {**KEY, "Content-Type": "application/merge-patch+json"}


def _create_update_delete(base: str) -> tuple[dict[str, Any], dict[str, Any]]:
    created = requests.post(f"{base}/rooms", json=NEW_ROOM, headers=KEY, timeout=5)
    assert created.status_code == 201
    room = created.json()
    path = f"{base}/rooms/{room['id']}"
    updated = requests.patch(path, json={"price": 4100}, headers=MERGE_PATCH, timeout=5)
    assert updated.status_code == 200
    assert requests.delete(path, headers=KEY, timeout=5).status_code == 204
    return room, updated.json()


def test_events_of_create_update_delete_show_the_http_answers(rooms_api: MockedApi) -> None:
    created, updated = _create_update_delete(rooms_api.base_url)
    events = rooms_api.events

    assert [(e.message, e.routing_key, e.operation_id) for e in events] == [
        ("RoomCreated", "room.created", "createRoom"),
        ("RoomUpdated", "room.updated", "updateRoom"),
        ("RoomDeleted", "room.deleted", "deleteRoom"),
    ]
    decoded = [event.decoded() for event in events]  # the bytes, read by rooms_events
    assert [d.type for d in decoded] == ["RoomCreated", "RoomUpdated", "RoomDeleted"]
    assert_event_shows(decoded[0].record["room"], created)
    assert_event_shows(decoded[1].record["room"], updated)
    assert decoded[1].record["changed_fields"] == ["price"]
    assert str(decoded[2].record["room_id"]) == updated["id"]
    assert decoded[2].record["version"] == updated["version"]
    assert decoded[2].record["url"] == updated["url"]
    for event, read in zip(events, decoded, strict=True):
        assert event.message_id == str(read.record["event_id"])
        assert event.headers["avro-fingerprint"] == read.fingerprint
        assert event.headers["room-id"] == created["id"]
        assert event.content_type == "application/avro"
        assert event.delivery_mode == 2


def test_refused_and_read_only_calls_emit_nothing(rooms_api: MockedApi) -> None:
    base = rooms_api.base_url
    assert requests.post(f"{base}/rooms", json={}, headers=KEY, timeout=5).status_code == 400
    assert requests.post(f"{base}/rooms", json=NEW_ROOM, timeout=5).status_code == 401
    assert requests.get(f"{base}/rooms", timeout=5).status_code == 200
    room = requests.post(f"{base}/rooms", json=NEW_ROOM, headers=KEY, timeout=5).json()
    assert requests.post(f"{base}/rooms", json=NEW_ROOM, headers=KEY, timeout=5).status_code == 409
    same = requests.patch(
        f"{base}/rooms/{room['id']}", json={"price": room["price"]}, headers=MERGE_PATCH, timeout=5
    )
    assert same.status_code == 200  # a change that changes nothing: no RoomUpdated, as the service

    rooms_api.assert_emitted("RoomCreated", times=1)
    assert [event.message for event in rooms_api.events] == ["RoomCreated"]
    with pytest.raises(AssertionError, match="RoomDeleted was emitted 0 time"):
        rooms_api.assert_emitted("RoomDeleted")


def test_events_are_stable_and_forgotten_on_reset(rooms_api: MockedApi) -> None:
    requests.post(f"{rooms_api.base_url}/rooms", json=NEW_ROOM, headers=KEY, timeout=5)
    first = rooms_api.events
    assert rooms_api.events == first  # asked twice: the same event ids and bytes
    rooms_api.reset()
    assert rooms_api.events == []


def test_the_context_manager_records_events_too() -> None:
    with rooms_mock("http://rooms.events.test") as api:
        _create_update_delete(api.base_url)
        assert [e.message for e in api.events] == ["RoomCreated", "RoomUpdated", "RoomDeleted"]


def test_a_broken_mapping_fails_the_field_comparison(
    rooms_api: MockedApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison bites: a mapping that loses the price shows up, naming the field."""
    real = room_records.room_record
    monkeypatch.setattr(room_records, "room_record", lambda room: {**real(room), "price": 0})
    created = requests.post(
        f"{rooms_api.base_url}/rooms", json=NEW_ROOM, headers=KEY, timeout=5
    ).json()
    record = rooms_api.events[0].decoded().record["room"]
    assert room_mismatches(record, created) == ["price: the event has 0, the HTTP answer 3500"]
    with pytest.raises(AssertionError, match="price"):
        assert_event_shows(record, created)


def test_without_the_event_package_api_events_names_the_extra(
    rooms_api: MockedApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "rooms_events" else real(name, *a),
    )
    with pytest.raises(EventsExtraMissing, match=r"rooms-mock\[events\]"):
        _ = rooms_api.events
