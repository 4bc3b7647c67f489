"""The API and the events agree: every Room the OpenAPI schema accepts becomes an event
that carries the same values, and the two Room shapes have the same fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import given
from hypothesis import strategies as st

from rooms.adapters.avro import AvroEventEncoder
from rooms.contract_files import openapi_path
from rooms.domain.events import RoomCreated
from rooms.domain.model import Room
from rooms.entrypoints.openapi_schema import CompiledSchema, component_schema, to_json_schema
from rooms.entrypoints.room_json import draft_from_json, room_from_json, room_to_json
from rooms_events import SchemaStore, decode_event
from rooms_events.contract_files import avro_dir
from tests.property.profiles import chosen

SPEC = yaml.safe_load(openapi_path().read_text(encoding="utf-8"))
STORE = SchemaStore.load(avro_dir())
ENCODER = AvroEventEncoder(STORE)

# Fields that are deliberately on one side only. Both are empty today; a field added to one
# contract and not the other must be listed here, with the reason, or this test fails.
API_ONLY: dict[str, str] = {}
EVENT_ONLY: dict[str, str] = {}


def inline_refs(node: Any) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = SPEC
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return inline_refs(target)
        return {key: inline_refs(value) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_refs(item) for item in node]
    return node


API_ROOM = to_json_schema(inline_refs(SPEC["components"]["schemas"]["Room"]))
# Schemathesis generates what createRoom accepts straight from the spec's components.
CREATE_ROOM = schemathesis.openapi.from_path(openapi_path())["/rooms"]["POST"]
ROOM_SCHEMA = CompiledSchema(component_schema(SPEC, "Room"))


@st.composite
def api_rooms(draw: st.DrawFn) -> dict[str, Any]:
    """Rooms as the API holds them: a body createRoom accepts, plus the server-set members."""
    body = draw(CREATE_ROOM.as_strategy()).body
    room = room_to_json(Room.create(draft_from_json(body)))
    room["id"] = str(draw(st.uuids()))
    room["version"] = draw(st.integers(1, 2**31 - 1))
    for key in ("created_at", "updated_at"):
        moment = draw(
            st.datetimes(
                dt.datetime(1970, 1, 1), dt.datetime(9999, 1, 1), timezones=st.just(dt.UTC)
            )
        )
        room[key] = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    # Only Rooms the spec's Room component accepts count.
    assert ROOM_SCHEMA.is_valid(room), room
    return room


def event_room_as_api(record: dict[str, Any]) -> dict[str, Any]:
    room = dict(record)
    room["id"] = str(room["id"])
    for key in ("created_at", "updated_at"):
        room[key] = room[key].isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {key: value for key, value in room.items() if value is not None}


@chosen()
@given(api_rooms())
def test_every_api_room_becomes_an_event_with_the_same_values(body: dict[str, Any]) -> None:
    room = room_from_json(body)
    api_view = room_to_json(room)
    event = decode_event(ENCODER.encode(RoomCreated(room=room)).payload)
    assert event_room_as_api(event.record["room"]) == api_view
    # Nothing the client sent is lost or rounded on the way (floats, big prices, text).
    for key in ("price", "name", "description", "url"):
        assert event.record["room"][key] == body[key]
    if "coordinates" in body:
        assert event.record["room"]["coordinates"] == body["coordinates"]


def field_mismatches(api_room: dict[str, Any], avro_room: dict[str, Any]) -> list[str]:
    api_fields = set(api_room["properties"])
    avro_fields = {field["name"] for field in avro_room["fields"]}
    problems = [
        f"API Room has {name!r} but the Avro Room (contracts/avro/Room) does not: add it there, or list it in API_ONLY with the reason"
        for name in sorted(api_fields - avro_fields - set(API_ONLY))
    ]
    problems += [
        f"Avro Room has {name!r} but the API Room (components/schemas/Room) does not: add it there, or list it in EVENT_ONLY with the reason"
        for name in sorted(avro_fields - api_fields - set(EVENT_ONLY))
    ]
    return problems


def test_the_api_room_and_the_avro_room_have_the_same_fields() -> None:
    problems = field_mismatches(API_ROOM, STORE.latest("Room").schema)
    assert problems == [], "\n".join(problems)


def test_a_field_added_to_the_api_only_fails_with_a_clear_message() -> None:
    grown = {**API_ROOM, "properties": {**API_ROOM["properties"], "floor": {"type": "integer"}}}
    problems = field_mismatches(grown, STORE.latest("Room").schema)
    assert problems == [
        "API Room has 'floor' but the Avro Room (contracts/avro/Room) does not: add it there, or list it in API_ONLY with the reason"
    ]


def test_a_field_dropped_from_the_avro_room_fails_with_a_clear_message() -> None:
    avro_room = STORE.latest("Room").schema
    shrunk = {
        **avro_room,
        "fields": [f for f in avro_room["fields"] if f["name"] != "property_size"],
    }
    assert field_mismatches(API_ROOM, shrunk) == [
        "API Room has 'property_size' but the Avro Room (contracts/avro/Room) does not: add it there, or list it in API_ONLY with the reason"
    ]


def test_an_api_value_missing_from_the_event_fails_the_agreement() -> None:
    """A broken event mapping (it forgets `provider`) must not pass the value check."""
    from rooms.adapters.avro import event_records

    original = event_records.room_record

    def forgetful(room: Room) -> dict[str, Any]:
        record = original(room)
        record["provider"] = ""
        return record

    event_records.room_record = forgetful  # type: ignore[assignment]
    try:
        with pytest.raises(AssertionError):
            test_every_api_room_becomes_an_event_with_the_same_values()
    finally:
        event_records.room_record = original  # type: ignore[assignment]
