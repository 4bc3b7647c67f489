"""The checks one event must pass, each with a name a failure reports.

A failure is an AssertionError whose message starts with `[check]`, so a broken provider
is named by the check it fails (tests/contract/events/test_event_faults.py shows each).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.contract.events.codec import HEADER_SIZE
from tests.contract.events.event_tap import Delivery
from tests.contract.events.write_recorder import SERVER_SET, Expected

CHECKS = {
    "event_arrives": "every successful write's documented event arrives within the bound",
    "exactly_one_event": "no second event for a write, none for a write that changed nothing",
    "refused_write_emits_nothing": "a refused (4xx) write publishes nothing",
    "known_schema": "the body is single-object Avro whose fingerprint names a stored schema",
    "decodes": "the body decodes with that schema",
    "event_type": "the event is the message the contract says the operation emits",
    "routing_key": "published on the documented exchange and routing key",
    "message_properties": "properties and headers as the event contract states them",
    "fields_match_response": "the event's fields equal what the HTTP response showed",
    "version_order": "a room's events arrive in version order",
}


class EventCheckFailed(AssertionError):
    def __init__(self, check: str, detail: str) -> None:
        assert check in CHECKS, check
        super().__init__(f"[{check}] {CHECKS[check]}: {detail}")
        self.check = check


def fail(check: str, detail: str) -> EventCheckFailed:
    return EventCheckFailed(check, detail)


def check_transport(expected: Expected, delivery: Delivery, exchange: str) -> None:
    message = expected.message
    if delivery.exchange != exchange or delivery.routing_key != message.routing_key:
        raise fail(
            "routing_key",
            f"{expected.describe()}: arrived on {delivery.exchange!r} with key"
            f" {delivery.routing_key!r}, the contract says {exchange!r} / {message.routing_key!r}",
        )


def check_properties(expected: Expected, delivery: Delivery, record: dict[str, Any]) -> None:
    message = expected.message
    properties = delivery.properties
    headers = properties.headers or {}
    wrong = []
    wanted: dict[str, Any] = {
        "content_type": message.content_type,
        "type": message.name,
        "message_id": str(record["event_id"]),
        "delivery_mode": message.delivery_mode,
    }
    for name, value in wanted.items():
        if getattr(properties, name) != value:
            wrong.append(f"{name}={getattr(properties, name)!r} (want {value!r})")
    occurred = int(record["occurred_at"].timestamp())
    if properties.timestamp not in {occurred, occurred + 1}:
        wrong.append(f"timestamp={properties.timestamp!r} (want occurred_at, {occurred})")
    for name in message.headers:
        if name not in headers:
            wrong.append(f"header {name!r} missing")
    want_headers = {
        message.fingerprint_header: delivery.body[2:HEADER_SIZE].hex(),
        "room-id": str(record["room_id"]),
        "room-version": record["version"],
    }
    for name, value in want_headers.items():
        if name in headers and headers[name] != value:
            wrong.append(f"header {name}={headers[name]!r} (want {value!r})")
    if wrong:
        raise fail("message_properties", f"{expected.describe()}: {'; '.join(wrong)}")


def as_api(room: dict[str, Any]) -> dict[str, Any]:
    """An event's room as the API shows rooms: ids and times as strings, unset members absent."""
    shown = {}
    for key, value in room.items():
        if value is None:
            continue
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        shown[key] = str(value) if key == "id" else value
    return shown


def check_fields(expected: Expected, record: dict[str, Any]) -> None:
    where = expected.describe()
    problems = []
    if str(record["room_id"]) != expected.room_id:
        problems.append(f"room_id {record['room_id']} (want {expected.room_id})")
    if expected.version is not None and record["version"] != expected.version:
        problems.append(f"version {record['version']} (want {expected.version})")
    if expected.room is not None:
        if "room" not in record:
            problems.append("no room in the event")
        else:
            shown = as_api(record["room"])
            for key in sorted(shown.keys() | expected.room.keys()):
                if shown.get(key) != expected.room.get(key):
                    problems.append(
                        f"room.{key}: event {shown.get(key, '(absent)')!r},"
                        f" response {expected.room.get(key, '(absent)')!r}"
                    )
    if "changed_fields" in record and expected.before is not None and expected.room is not None:
        changed = {
            key
            for key in expected.before.keys() | expected.room.keys()
            if key not in SERVER_SET and expected.before.get(key) != expected.room.get(key)
        }
        if set(record["changed_fields"]) != changed:
            problems.append(
                f"changed_fields {sorted(record['changed_fields'])} (the response changed {sorted(changed)})"
            )
    deleted = "url" in record and expected.room is None and expected.url is not None
    if deleted and record["url"] != expected.url:
        problems.append(f"url {record['url']!r} (the room's was {expected.url!r})")
    if problems:
        raise fail("fields_match_response", f"{where}: {'; '.join(problems)}")
