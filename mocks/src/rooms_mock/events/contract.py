"""The event contract as the mock uses it, read through the event package (`rooms_events`).

The one seam between the mock and rooms-events: the Avro codec and the stored schemas, and
the AsyncAPI transport (exchange, routing keys, properties, headers, examples) come from
there, never from a copy. Everything else in `rooms_mock.events` speaks to this module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from rooms_mock.events.outgoing import OutgoingEvent

# The headers the mock knows how to fill, from the record, as the service's relay does.
_HEADERS: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "avro-fingerprint": lambda writer, record: writer.fingerprint.hex(),
    "room-id": lambda writer, record: str(record["room_id"]),
    "room-version": lambda writer, record: record["version"],
}


class ContractError(RuntimeError):
    """The event contract cannot be read or asks for what the mock cannot do; says which."""


@dataclass(frozen=True, slots=True)
class Route:
    """Where and how one message travels, as the AsyncAPI document says."""

    exchange: str
    exchange_type: str
    routing_key: str
    content_type: str
    message_type: str
    delivery_mode: int
    timestamp: bool
    headers: tuple[str, ...]  # the headers the document requires, which the mock fills


class EventContract:
    def __init__(
        self,
        transport: Any,
        writers: dict[str, Any],
        routes: dict[str, Route],
        examples: dict[str, dict[str, dict[str, Any]]],
        source: str,
    ) -> None:
        self._transport = transport
        self._writers = writers
        self._routes = routes
        self._examples = examples
        self.source = source
        self.messages = tuple(routes)

    def on_exchange(self, exchange: str | None) -> EventContract:
        """The same contract publishing on another exchange (tests that share a broker)."""
        if exchange is None:
            return self
        routes = {name: replace(route, exchange=exchange) for name, route in self._routes.items()}
        return EventContract(self._transport, self._writers, routes, self._examples, self.source)

    def emitted_by(self, openapi: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        """operationId -> the messages its `x-emits` names (read by rooms_events.transport)."""
        from rooms_events.transport import TransportError

        try:
            emitted = self._transport.emitted_by(openapi)
        except TransportError as error:
            raise ContractError(str(error)) from None
        return {op: tuple(message.name for message in found) for op, found in emitted.items()}

    def route(self, message: str) -> Route:
        return self._routes[message]

    def writer(self, message: str) -> Any:
        """The schema version the contract's payload names (the one the service writes)."""
        return self._writers[message]

    def schema(self, message: str) -> Any:
        return self.writer(message).schema

    def examples(self, message: str) -> dict[str, dict[str, Any]]:
        """The message's named examples as records, in the document's order."""
        return dict(self._examples.get(message, {}))

    def outgoing(
        self, message: str, record: dict[str, Any], operation_id: str | None = None
    ) -> OutgoingEvent:
        from rooms_events import encode

        route = self._routes[message]
        writer = self._writers[message]
        occurred = record.get("occurred_at")
        timestamp = (
            int(occurred.timestamp()) if route.timestamp and isinstance(occurred, datetime) else 0
        )
        return OutgoingEvent(
            message=message,
            exchange=route.exchange,
            exchange_type=route.exchange_type,
            routing_key=route.routing_key,
            body=encode(writer, record),
            record=record,
            message_id=str(record.get("event_id", "")),
            content_type=route.content_type,
            timestamp=timestamp,
            delivery_mode=route.delivery_mode,
            headers={name: _HEADERS[name](writer, record) for name in route.headers},
            operation_id=operation_id,
            message_type=route.message_type,
        )


@functools.cache
def load_contract() -> EventContract:
    """The contract bundled with rooms-events: its AsyncAPI document and Avro schemas."""
    from rooms_events import SchemaStore, SchemaStoreError
    from rooms_events.contract_files import avro_dir
    from rooms_events.json_form import JsonFormError, from_json
    from rooms_events.transport import EventTransport, TransportError

    try:
        transport = EventTransport.bundled()
        store = SchemaStore.load(avro_dir())
    except (TransportError, SchemaStoreError) as error:
        raise ContractError(f"the event contract cannot be read: {error}") from None
    by_path = {version.path.resolve(): version for version in store}
    writers: dict[str, Any] = {}
    routes: dict[str, Route] = {}
    examples: dict[str, dict[str, dict[str, Any]]] = {}
    for message in transport:
        writer = by_path.get(message.payload_schema)
        if writer is None:
            raise ContractError(
                f"{transport.path.name}: {message.name}'s payload names "
                f"{message.payload_schema}, which is not a stored Avro schema"
            )
        unknown = sorted(set(message.required_headers) - set(_HEADERS))
        if unknown:
            raise ContractError(
                f"{transport.path.name}: {message.name} requires header(s) "
                f"{', '.join(unknown)}, which the mock does not know how to fill"
            )
        writers[message.name] = writer
        routes[message.name] = Route(
            exchange=transport.exchange,
            exchange_type=transport.exchange_type,
            routing_key=message.routing_key,
            content_type=message.content_type,
            message_type=message.message_type,
            delivery_mode=message.delivery_mode,
            timestamp=message.timestamp,
            headers=tuple(message.required_headers),
        )
        try:
            examples[message.name] = {
                example.name: from_json(
                    writer.schema, example.payload, f"{message.name}/{example.name}"
                )
                for example in message.examples
            }
        except JsonFormError as error:
            raise ContractError(f"{transport.path.name}: {error}") from None
    return EventContract(transport, writers, routes, examples, str(transport.path))


def decode(body: bytes) -> Any:
    """`rooms_events.decode_event(body)`: what a consumer's decoder reads from these bytes."""
    from rooms_events import decode_event

    return decode_event(body)
