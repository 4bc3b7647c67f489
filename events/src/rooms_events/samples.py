"""Sample messages from the contract's examples: one `.bin` body and its decoded `.json` each.

For every message of asyncapi.yaml and every named example, `<Message>/<example>.bin` is
the single-object message body the relay would publish, and `<Message>/<example>.json`
what decoding it gives (a DecodedEvent as JSON). Examples write timestamps as ISO 8601
strings (`2026-11-20T09:30:00.000Z`) and uuids as strings; the JSON uses the same forms.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rooms_events.decoding import DecodedEvent
from rooms_events.schema_store import SchemaStore, SchemaVersion
from rooms_events.single_object import decode, encode
from rooms_events.transport import EventTransport, MessageExample, MessageTransport

_TIMESTAMPS = {"timestamp-millis", "timestamp-micros"}


class SampleError(ValueError):
    """An example does not fit its message's schema; the message names which and where."""


@dataclass(frozen=True)
class Sample:
    message: str
    example: str
    body: bytes  # the single-object encoded message
    decoded: str  # the DecodedEvent as JSON text, as written to `<example>.json`

    @property
    def stem(self) -> Path:
        return Path(self.message) / self.example


def samples(transport: EventTransport, store: SchemaStore) -> Iterator[Sample]:
    """One Sample per example of every message, in document order."""
    for message in transport:
        writer = _writer(message, store)
        for example in message.examples:
            record = from_json(writer.schema, example.payload, f"{message.name}/{example.name}")
            try:
                body = encode(writer, record)
            except Exception as error:  # fastavro's validation errors come in several types
                raise SampleError(
                    f"{message.name}/{example.name}: not a {writer.label} record: {error}"
                ) from None
            yield Sample(message.name, example.name, body, decoded_json(store, body))


def decoded_json(store: SchemaStore, body: bytes) -> str:
    """The JSON text of `<example>.json`: the decoded event, keys in schema order."""
    decoded = decode(store, body)
    event = DecodedEvent(
        type=decoded.writer.short_name,
        writer_version=decoded.writer.version,
        fingerprint=decoded.writer.fingerprint.hex(),
        record=decoded.record,
    )
    document = {
        "type": event.type,
        "writer_version": event.writer_version,
        "fingerprint": event.fingerprint,
        "record": to_json(event.record),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def example_record(
    message: MessageTransport, example: MessageExample, store: SchemaStore
) -> dict[str, Any]:
    """The example's payload as the record fastavro writes (timestamps as datetimes)."""
    writer = _writer(message, store)
    return dict(from_json(writer.schema, example.payload, f"{message.name}/{example.name}"))


def _writer(message: MessageTransport, store: SchemaStore) -> SchemaVersion:
    for version in store.versions(message.name):
        if version.path.resolve() == message.payload_schema:
            return version
    raise SampleError(
        f"{message.name}: its payload {message.payload_schema} is not a stored schema"
    )


def to_json(value: Any) -> Any:
    """A decoded value in JSON's types: the forms the contract's examples use."""
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def from_json(schema: Any, value: Any, where: str) -> Any:
    """`value` (JSON, as the examples write it) in the types fastavro's writer takes."""
    return _Converter().convert(schema, value, where)


class _Converter:
    """Walks a self-contained schema beside the value, knowing each named type once seen."""

    def __init__(self) -> None:
        self.named: dict[str, Any] = {}

    def _named(self, schema: Any) -> Any:
        return self.named.get(schema, schema) if isinstance(schema, str) else schema

    def convert(self, schema: Any, value: Any, where: str) -> Any:
        schema = self._named(schema)
        if isinstance(schema, list):  # a union: the first branch the value fits
            for branch in schema:
                if _fits(self._named(branch), value):
                    return self.convert(branch, value, where)
            raise SampleError(f"{where}: {value!r} fits no branch of {schema}")
        if not isinstance(schema, dict):
            return value
        kind = schema.get("type")
        if isinstance(kind, list | dict):
            return self.convert(kind, value, where)
        if kind in {"record", "enum", "fixed"}:
            name = str(schema["name"])
            full = name if "." in name else f"{schema.get('namespace', '')}.{name}".lstrip(".")
            self.named[full] = schema
        if schema.get("logicalType") in _TIMESTAMPS and isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value)
            except ValueError:
                raise SampleError(f"{where}: {value!r} is not an ISO 8601 timestamp") from None
        if kind == "record":
            if not isinstance(value, dict):
                raise SampleError(f"{where}: expected an object for {schema['name']}: {value!r}")
            return {
                field["name"]: self.convert(
                    field["type"], value.get(field["name"]), f"{where}/{field['name']}"
                )
                for field in schema["fields"]
                if field["name"] in value or "default" not in field
            }
        if kind == "array" and isinstance(value, list):
            return [self.convert(schema["items"], v, f"{where}/{i}") for i, v in enumerate(value)]
        if kind == "map" and isinstance(value, dict):
            return {k: self.convert(schema["values"], v, f"{where}/{k}") for k, v in value.items()}
        return value


def _fits(schema: Any, value: Any) -> bool:
    kind = schema.get("type") if isinstance(schema, dict) else schema
    if kind == "null":
        return value is None
    if value is None:
        return False
    if kind in {"record", "map"}:
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    return True  # a primitive, enum or fixed: fastavro's writer checks the rest
