"""What the contracts promise about events: which operation emits which message, and how.

Read from the contracts, never restated here: `x-emits` on each OpenAPI write operation
names its messages; contracts/asyncapi.yaml gives each message's exchange, routing key,
properties and headers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rooms.contract_files import openapi_path

_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class MessageContract:
    """One message as consumers see it on the wire."""

    name: str  # the Avro record's short name, also the AMQP `type` property
    routing_key: str
    content_type: str
    delivery_mode: int
    headers: tuple[str, ...]  # application headers every message carries
    fingerprint_header: str  # the header holding the writer schema's fingerprint, hex


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


def load_event_contract(openapi: Path | None = None) -> EventContract:
    spec = yaml.safe_load((openapi or openapi_path()).read_text(encoding="utf-8"))
    emits = {
        item[method]["operationId"]: tuple(item[method]["x-emits"])
        for item in spec["paths"].values()
        for method in _METHODS
        if method in item and "x-emits" in item[method]
    }
    if not emits:
        emits = dict(_INTERIM_EMITS)
    return EventContract(
        exchange=_INTERIM_EXCHANGE, emits=emits, messages=_INTERIM_MESSAGES, routes=_routes(spec)
    )


# Until contracts/asyncapi.yaml and `x-emits` land (branch i12-events), the transport as the
# README documents it; replaced by the reader of those documents when they merge.
_INTERIM_EXCHANGE = "rooms.events"
_INTERIM_EMITS = {
    "createRoom": ("RoomCreated",),
    "updateRoom": ("RoomUpdated",),
    "deleteRoom": ("RoomDeleted",),
}
_INTERIM_MESSAGES = {
    name: MessageContract(
        name=name,
        routing_key=key,
        content_type="application/avro",
        delivery_mode=2,
        headers=("avro-fingerprint", "room-id", "room-version"),
        fingerprint_header="avro-fingerprint",
    )
    for name, key in (
        ("RoomCreated", "room.created"),
        ("RoomUpdated", "room.updated"),
        ("RoomDeleted", "room.deleted"),
    )
}
