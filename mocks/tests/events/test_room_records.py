"""The mock's JSON-to-Avro mapping writes the same bytes as the service's encoder on the same
room, and changed_fields names what the service's domain says changed.

The service package is installed beside the mock in `nox -s mock` for this cross-check only;
the mock itself never imports it (test_mock_server checks that).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from conftest import NEW_ROOM, SPEC, caller
from rooms_mock.engine import MockEngine, MockOptions
from rooms_mock.events import room_records
from rooms_mock.events.contract import load_contract
from rooms_mock.writes import Write

service_records = pytest.importorskip("rooms.adapters.avro.event_records")
service_json = pytest.importorskip("rooms.entrypoints.room_json")
service_events = pytest.importorskip("rooms.domain.events")

FULL_ROOM = {
    "name": "Bright room near Príncipe Real",
    "description": "Furnished double room in a shared flat, bills included.",
    "price": 85000,
    "monthly_price": 85000,
    "currency": "EUR",
    "recurrence": "monthly",
    "provider": "flats.example",
    "url": "https://flats.example/listing/1842",
    "property_size": 14,
    "area": {"name": "Príncipe Real", "city": "Lisbon", "country": "PT"},
    "coordinates": {"lat": 38.7167, "lon": -9.1489},
    "images": [{"url": "https://flats.example/img/1842-1.jpg"}, {"url": "https://x.example/2"}],
    "is_visible": False,
}
PATCHES = [
    {"price": 90000, "images": []},
    {"description": None, "coordinates": None, "monthly_price": None, "property_size": None},
    {"area": {"city": "Porto"}, "is_visible": True, "name": "Renamed"},
]
MERGE_PATCH = {"content-type": "application/merge-patch+json"}


def _service_event(message: str, write: Write, record: dict[str, Any]) -> Any:
    """What the service's outbox encoder makes of the same change, ids and times pinned."""
    ids = {"event_id": uuid.UUID(record["event_id"]), "occurred_at": record["occurred_at"]}
    if message == "RoomDeleted":
        assert write.before is not None
        before = service_json.room_from_json(write.before)
        event = service_events.RoomDeleted(
            room_id=before.id, version=before.version, url=before.url, **ids
        )
    else:
        assert write.after is not None
        after = service_json.room_from_json(write.after)
        if message == "RoomCreated":
            event = service_events.RoomCreated(room=after, **ids)
        else:
            assert write.before is not None
            _, changed = service_json.room_from_json(write.before).changed(after.draft())
            event = service_events.RoomUpdated(room=after, changed_fields=changed, **ids)
    return service_records.AvroEventEncoder().encode(event)


def _service_bytes(message: str, write: Write, record: dict[str, Any]) -> bytes:
    return _service_event(message, write, record).payload  # type: ignore[no-any-return]


def _writes(room: dict[str, Any]) -> list[tuple[str, Write]]:
    """A room created, patched in every way PATCHES knows, then deleted, on the stateful mock."""
    call = caller(MockEngine.from_path(SPEC, MockOptions(stateful=True)))
    heard: list[Write] = []
    call.engine.add_write_listener(heard.append)  # type: ignore[attr-defined]
    created = call("POST", "/rooms", json_body=room)
    assert created.status == 201, created.body
    path = f"/rooms/{created.json()['id']}"
    for patch in PATCHES:
        answer = call("PATCH", path, body=json.dumps(patch).encode(), headers=MERGE_PATCH)
        assert answer.status == 200, answer.body
    assert call("DELETE", path).status == 204
    messages = ["RoomCreated", *["RoomUpdated"] * len(PATCHES), "RoomDeleted"]
    return list(zip(messages, heard, strict=True))


@pytest.mark.parametrize("room", [NEW_ROOM, FULL_ROOM], ids=["minimal", "full"])
def test_the_mock_writes_the_services_bytes_for_every_change(room: dict[str, Any]) -> None:
    contract = load_contract()
    now = datetime(2026, 12, 2, 7, 0, 0, 123000, tzinfo=UTC)
    for message, write in _writes(room):
        record = room_records.event_record(message, write, uuid.uuid4(), now)
        mine = contract.outgoing(message, record).body
        assert mine == _service_bytes(message, write, record), (
            f"{message} after {write.operation_id}: the mock's bytes differ from the service's"
        )


@pytest.mark.parametrize("room", [NEW_ROOM, FULL_ROOM], ids=["minimal", "full"])
def test_the_mock_sets_the_relays_amqp_properties_and_routing(room: dict[str, Any]) -> None:
    from rooms.adapters.amqp_publisher import message_properties as service_properties
    from rooms_mock.events.amqp import message_properties

    contract = load_contract()
    for message, write in _writes(room):
        record = room_records.event_record(message, write, uuid.uuid4(), datetime.now(UTC))
        mine = contract.outgoing(message, record)
        theirs = _service_event(message, write, record)
        assert mine.routing_key == theirs.routing_key
        assert vars(message_properties(mine)) == vars(service_properties(theirs)), message


def test_a_mapping_that_drops_a_field_writes_other_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cross-check bites: a mapping that forgets monthly_price is caught on the full room."""
    real = room_records.room_record

    def forgetful(room: dict[str, Any]) -> dict[str, Any]:
        return {**real(room), "monthly_price": None}

    monkeypatch.setattr(room_records, "room_record", forgetful)
    contract = load_contract()
    message, write = _writes(FULL_ROOM)[0]
    record = room_records.event_record(message, write, uuid.uuid4(), datetime.now(UTC))
    assert contract.outgoing(message, record).body != _service_bytes(message, write, record)
