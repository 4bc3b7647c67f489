"""What the contracts promise about events: which operation emits which message, and how.

Read from the contracts, never restated here: `x-emits` on each OpenAPI write operation
names its messages; contracts/asyncapi.yaml (through rooms_events.transport) gives each
message's exchange, routing key, properties and headers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rooms.contract_files import openapi_path
from rooms_events.contract_files import asyncapi_path
from rooms_events.transport import EventTransport, MessageTransport, TransportError

_METHODS = ("get", "put", "post", "delete", "patch")
PAYLOAD_POINTER = "$message.payload#/"


class EventContractError(ValueError):
    """The contracts do not say what the event checks need; the message says what is missing."""


@dataclass(frozen=True)
class MessageContract:
    """One message as consumers see it on the wire."""

    name: str  # the message name, also the Avro record's name
    routing_key: str
    content_type: str
    message_type: str  # the AMQP `type` property
    delivery_mode: int
    timestamp: bool  # the AMQP timestamp property is set
    required_headers: tuple[str, ...]
    headers_schema: dict[str, Any] = field(repr=False)
    # AMQP property -> a literal, or "$message.payload#/field" (x-amqp-properties)
    properties: dict[str, str] = field(repr=False)
    payload_schema: Path = field(repr=False)  # the Avro file the service writes with today


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    operation_id: str


@dataclass(frozen=True)
class EventContract:
    exchange: str
    emits: Mapping[str, tuple[str, ...]]  # operationId -> the messages a success emits
    messages: Mapping[str, MessageContract]
    routes: tuple[Route, ...]

    def operation(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        """The operationId a request is, and its path parameters (None: not in the spec)."""
        for route in self.routes:
            if route.method == method.lower():
                matched = route.pattern.match(path)
                if matched:
                    return route.operation_id, matched.groupdict()
        return None

    def emitted_by(self, operation_id: str) -> tuple[MessageContract, ...]:
        return tuple(self.messages[name] for name in self.emits.get(operation_id, ()))


def _routes(spec: Mapping[str, Any]) -> tuple[Route, ...]:
    routes = []
    for template, item in spec["paths"].items():
        regex = re.sub(r"\\\{([A-Za-z_][A-Za-z0-9_]*)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        for method in _METHODS:
            if method in item and "operationId" in item[method]:
                routes.append(Route(method, re.compile(f"^{regex}$"), item[method]["operationId"]))
    return tuple(routes)


def _message(transport: MessageTransport, document: Mapping[str, Any]) -> MessageContract:
    raw = (document.get("components") or {}).get("messages", {}).get(transport.name, {})
    return MessageContract(
        name=transport.name,
        routing_key=transport.routing_key,
        content_type=transport.content_type,
        message_type=transport.message_type,
        delivery_mode=transport.delivery_mode,
        timestamp=transport.timestamp,
        required_headers=transport.required_headers,
        headers_schema=transport.headers_schema,
        properties={str(k): str(v) for k, v in (raw.get("x-amqp-properties") or {}).items()},
        payload_schema=transport.payload_schema,
    )


def load_event_contract(openapi: Path | None = None, asyncapi: Path | None = None) -> EventContract:
    openapi = openapi or openapi_path()
    asyncapi = asyncapi or asyncapi_path()
    spec = yaml.safe_load(openapi.read_text(encoding="utf-8"))
    transport = EventTransport.load(asyncapi)
    document = yaml.safe_load(asyncapi.read_text(encoding="utf-8"))
    messages = {message.name: _message(message, document) for message in transport}
    try:
        emitted = transport.emitted_by(spec)
    except TransportError as error:
        raise EventContractError(f"{openapi.name}: {error}") from None
    if not emitted:
        raise EventContractError(
            f"{openapi.name}: no operation has x-emits: nothing says which write emits which event"
        )
    emits = {operation: tuple(m.name for m in sent) for operation, sent in emitted.items()}
    return EventContract(transport.exchange, emits, messages, _routes(spec))
