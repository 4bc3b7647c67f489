"""Sample messages from the contract's examples, and encoding a message from its JSON form.

For every message of asyncapi.yaml and every named example, `<Message>/<example>.bin` is
the single-object message body the relay would publish, and `<Message>/<example>.json`
what decoding it gives (a DecodedEvent as JSON). Examples write timestamps as ISO 8601
strings (`2026-11-20T09:30:00.000Z`) and uuids as strings; the JSON uses the same forms.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rooms_events.decoding import DecodedEvent
from rooms_events.json_form import JsonFormError, from_json, to_json
from rooms_events.schema_store import SchemaStore, SchemaVersion
from rooms_events.single_object import decode, encode
from rooms_events.transport import EventTransport, MessageTransport


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
        for example in message.examples:
            where = f"{message.name}/{example.name}"
            body = encode_json(message, example.payload, store, where=where)
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


def encode_json(
    message: MessageTransport,
    payload: dict[str, Any],
    store: SchemaStore,
    *,
    where: str | None = None,
) -> bytes:
    """`payload` (JSON form, as in the examples) as `message`'s body, in the schema its
    AsyncAPI payload names: what a publisher of that message sends. SampleError names
    `where` (default: the message) and what does not fit."""
    where = where or message.name
    writer = writer_of(message, store)
    try:
        return encode(writer, from_json(writer.schema, payload, where))
    except JsonFormError as error:
        raise SampleError(str(error)) from None
    except Exception as error:  # fastavro's validation errors come in several types
        raise SampleError(f"{where}: not a {writer.label} record: {error}") from None


def writer_of(message: MessageTransport, store: SchemaStore) -> SchemaVersion:
    """The stored schema version `message`'s payload `$ref` names."""
    for version in store.versions(message.name):
        if version.path.resolve() == message.payload_schema:
            return version
    raise SampleError(
        f"{message.name}: its payload {message.payload_schema} is not a stored schema"
    )
