"""The checks one event must pass, each with a name a failure reports.

A failure is an AssertionError whose message starts with `[check]`, so a broken provider
is named by the check it fails (tests/contract/events/test_event_faults.py shows each).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema_rs

from tests.contract.events.codec import HEADER_SIZE
from tests.contract.events.event_contract import PAYLOAD_POINTER
from tests.contract.events.event_tap import Delivery
from tests.contract.events.write_recorder import SERVER_SET, Expected

CHECKS = {
    "event_arrives": "every successful write's documented event arrives within the bound",
    "exactly_one_event": "no second event for a write, none for a write that changed nothing",
    "refused_write_emits_nothing": "a refused (4xx) write publishes nothing",
    "known_schema": "the body is single-object Avro whose fingerprint names a stored schema,"
    " the version the contract's payload names",
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


# What each documented header means (asyncapi.yaml says so in prose, so it is stated here):
# the value a message must carry, from its body and its decoded record.
HEADER_MEANINGS: dict[str, Callable[[bytes, dict[str, Any]], object]] = {
    "avro-fingerprint": lambda body, _record: body[2:HEADER_SIZE].hex(),
    "room-id": lambda _body, record: str(record["room_id"]),
    "room-version": lambda _body, record: record["version"],
}


def _payload_value(rule: str, record: dict[str, Any]) -> object:
    """An AMQP property's value from `$message.payload#/field`, as AMQP carries it."""
    value = record[rule.removeprefix(PAYLOAD_POINTER)]
    if isinstance(value, datetime):
        return int(value.timestamp())
    return str(value) if isinstance(value, uuid.UUID) else value


def check_properties(expected: Expected, delivery: Delivery, record: dict[str, Any]) -> None:
    message = expected.message
    properties = delivery.properties
    headers = dict(properties.headers or {})
    wanted: dict[str, object] = {
        "content_type": message.content_type,
        "type": message.message_type,
        "delivery_mode": message.delivery_mode,
    }
    for name, rule in message.properties.items():
        wanted[name] = _payload_value(rule, record) if rule.startswith(PAYLOAD_POINTER) else rule
    wrong = [
        f"{name}={getattr(properties, name, None)!r} (want {value!r})"
        for name, value in wanted.items()
        if getattr(properties, name, None) != value
    ]
    if message.timestamp and properties.timestamp is None:
        wrong.append("no timestamp")
    wrong += [
        f"headers: {error.message}"
        for error in jsonschema_rs.validator_for(message.headers_schema).iter_errors(headers)
    ]
    for name, meaning in HEADER_MEANINGS.items():
        if name in headers and headers[name] != meaning(delivery.body, record):
            wrong.append(
                f"header {name}={headers[name]!r} (want {meaning(delivery.body, record)!r})"
            )
    if wrong:
        raise fail("message_properties", f"{expected.describe()}: {'; '.join(wrong)}")


def check_writer(expected: Expected, writer_path: Path) -> None:
    """The service writes with the schema version the contract's payload names."""
    if writer_path.resolve() != expected.message.payload_schema:
        raise fail(
            "known_schema",
            f"{expected.describe()}: written with {writer_path.parent.name}/{writer_path.name},"
            f" the contract's payload is {expected.message.payload_schema.parent.name}/"
            f"{expected.message.payload_schema.name}",
        )


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
