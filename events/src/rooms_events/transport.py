"""The AMQP side of the event contract, read from asyncapi.yaml: exchange, keys, properties.

    from rooms_events.transport import EventTransport
    transport = EventTransport.bundled()
    transport.exchange, transport.exchange_type            # "rooms.events", "topic"
    created = transport.message("RoomCreated")
    created.routing_key, created.content_type, created.required_headers

Only what a publisher or a consumer acts on is read; a document this reader cannot
understand raises TransportError naming where, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rooms_events.contract_files import asyncapi_path

__all__ = ["EventTransport", "MessageExample", "MessageTransport", "TransportError"]


class TransportError(ValueError):
    """The AsyncAPI document is missing something the transport needs; the message says where."""


@dataclass(frozen=True)
class MessageExample:
    name: str
    summary: str
    headers: dict[str, Any]
    payload: dict[str, Any]  # the Avro record as JSON: uuids and timestamps as strings


@dataclass(frozen=True)
class MessageTransport:
    """How one message travels: its routing key, AMQP properties and headers."""

    name: str  # the message name, also the Avro record's name: RoomCreated
    operation: str  # the AsyncAPI operation that sends it
    routing_key: str  # the channel's address
    exchange: str
    content_type: str
    message_type: str  # the AMQP `type` property
    delivery_mode: int  # 2 = persistent
    timestamp: bool  # whether the AMQP timestamp property is set
    required_headers: tuple[str, ...]
    headers_schema: dict[str, Any] = field(repr=False)  # JSON Schema of the AMQP headers
    payload_schema: Path = field(repr=False)  # the Avro schema file the payload $ref names
    examples: tuple[MessageExample, ...] = field(repr=False, default=())

    @property
    def persistent(self) -> bool:
        return self.delivery_mode == 2

    def example(self, name: str) -> MessageExample:
        for example in self.examples:
            if example.name == name:
                return example
        known = ", ".join(e.name for e in self.examples) or "none"
        raise KeyError(f"{self.name} has no example named {name!r} (has: {known})")


@dataclass(frozen=True)
class EventTransport:
    """Every message the document sends, on the one exchange they share."""

    exchange: str
    exchange_type: str  # "topic"
    durable: bool
    auto_delete: bool
    path: Path
    messages: Mapping[str, MessageTransport] = field(repr=False)

    @classmethod
    def bundled(cls) -> EventTransport:
        """The rooms event contract this package ships."""
        return cls.load(asyncapi_path())

    @classmethod
    def load(cls, path: Path) -> EventTransport:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise TransportError(f"{path}: not a readable YAML document: {error}") from None
        return _Reader(path, document).transport()

    def message(self, name: str) -> MessageTransport:
        try:
            return self.messages[name]
        except KeyError:
            known = ", ".join(sorted(self.messages))
            raise KeyError(f"{self.path.name} sends no message {name!r} (sends: {known})") from None

    def by_routing_key(self, routing_key: str) -> MessageTransport:
        for message in self.messages.values():
            if message.routing_key == routing_key:
                return message
        raise KeyError(f"{self.path.name} has no channel with address {routing_key!r}")

    def __iter__(self) -> Iterator[MessageTransport]:
        return iter(self.messages.values())


class _Reader:
    """Walks the document's send operations, following its local `#/...` references."""

    def __init__(self, path: Path, document: Any) -> None:
        self.path = path
        if not isinstance(document, dict) or not str(document.get("asyncapi", "")).startswith("3."):
            raise TransportError(f"{path}: not an AsyncAPI 3 document (no `asyncapi: 3.x`)")
        self.document = document

    def transport(self) -> EventTransport:
        operations = self._mapping(self.document, "operations", "#")
        messages: dict[str, MessageTransport] = {}
        exchanges: set[tuple[str, str, bool, bool]] = set()
        for op_name, operation in operations.items():
            where = f"#/operations/{op_name}"
            operation = self._resolve(operation, where)
            if operation.get("action") != "send":
                continue  # the service only sends; a receive operation is a consumer's
            channel = self._resolve(operation.get("channel"), f"{where}/channel")
            exchange = self._exchange(channel, f"{where}/channel")
            exchanges.add(exchange)
            op_amqp = self._amqp(operation, where)
            for index, ref in enumerate(operation.get("messages") or []):
                message = self._resolve(ref, f"{where}/messages/{index}")
                parsed = self._message(op_name, channel, exchange[0], op_amqp, message, where)
                if parsed.name in messages:
                    raise TransportError(f"{self.path}: {where}: {parsed.name} is sent twice")
                messages[parsed.name] = parsed
        if not messages:
            raise TransportError(f"{self.path}: no send operation with a message")
        if len(exchanges) != 1:
            raise TransportError(f"{self.path}: messages go to several exchanges: {exchanges}")
        (name, kind, durable, auto_delete) = exchanges.pop()
        return EventTransport(name, kind, durable, auto_delete, self.path, messages)

    def _message(
        self,
        operation: str,
        channel: dict[str, Any],
        exchange: str,
        op_amqp: dict[str, Any],
        message: dict[str, Any],
        where: str,
    ) -> MessageTransport:
        name = message.get("name")
        if not isinstance(name, str):
            raise TransportError(f"{self.path}: {where}: a message has no `name`")
        where = f"{where} ({name})"
        address = channel.get("address")
        if not isinstance(address, str) or not address:
            raise TransportError(f"{self.path}: {where}: its channel has no address")
        content_type = message.get("contentType", self.document.get("defaultContentType"))
        if not isinstance(content_type, str):
            raise TransportError(f"{self.path}: {where}: no contentType")
        headers = self._resolve(message.get("headers") or {}, f"{where}/headers")
        message_type = self._amqp(message, where).get("messageType", name)
        payload = self._resolve(message.get("payload"), f"{where}/payload")
        schema_ref = (payload.get("schema") or {}).get("$ref") if "schema" in payload else None
        if not isinstance(schema_ref, str) or schema_ref.startswith("#"):
            raise TransportError(f"{self.path}: {where}: payload.schema must $ref an Avro file")
        examples = tuple(
            MessageExample(
                name=str(example.get("name", index)),
                summary=str(example.get("summary", "")),
                headers=dict(example.get("headers") or {}),
                payload=dict(example.get("payload") or {}),
            )
            for index, example in enumerate(message.get("examples") or [])
        )
        return MessageTransport(
            name=name,
            operation=operation,
            routing_key=address,
            exchange=exchange,
            content_type=content_type,
            message_type=str(message_type),
            delivery_mode=int(op_amqp.get("deliveryMode", 1)),
            timestamp=bool(op_amqp.get("timestamp", False)),
            required_headers=tuple(headers.get("required", ())),
            headers_schema=headers,
            payload_schema=(self.path.parent / schema_ref).resolve(),
            examples=examples,
        )

    def _exchange(self, channel: dict[str, Any], where: str) -> tuple[str, str, bool, bool]:
        exchange = self._amqp(channel, where).get("exchange")
        if not isinstance(exchange, dict) or not isinstance(exchange.get("name"), str):
            raise TransportError(f"{self.path}: {where}: no AMQP binding naming an exchange")
        return (
            exchange["name"],
            str(exchange.get("type", "default")),
            bool(exchange.get("durable", False)),
            bool(exchange.get("autoDelete", False)),
        )

    def _amqp(self, owner: dict[str, Any], where: str) -> dict[str, Any]:
        bindings = self._resolve(owner.get("bindings") or {}, f"{where}/bindings")
        return self._resolve(bindings.get("amqp") or {}, f"{where}/bindings/amqp")

    def _mapping(self, node: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        value = node.get(key)
        if not isinstance(value, dict):
            raise TransportError(f"{self.path}: {where}/{key} is missing or not a mapping")
        return value

    def _resolve(self, node: Any, where: str) -> dict[str, Any]:
        """`node`, or what its local `$ref` points to (references may chain)."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/"):
                return node  # an external file (the Avro payload): left for the caller
            if ref in seen:
                raise TransportError(f"{self.path}: {where}: $ref cycle through {ref}")
            seen.add(ref)
            node = self._pointer(ref, where)
        if not isinstance(node, dict):
            raise TransportError(f"{self.path}: {where}: expected a mapping")
        return node

    def _pointer(self, ref: str, where: str) -> Any:
        node: Any = self.document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise TransportError(f"{self.path}: {where}: $ref {ref} points at nothing")
            node = node[part]
        return node
