"""An AsyncAPI 3.0 document read for comparison: channels, operations and messages with local
`$ref`s followed and traits applied. Anything the guard cannot read is refused, never guessed."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from rooms.compat.openapi_resolve import Node, Resolver, SpecError

# An external `$ref` (as written, relative to the document) -> the schema it names.
SchemaLoader = Callable[[str], Node]

_CHANNELS_PREFIX = "#/channels/"
# libyaml's safe loader when PyYAML was built with it (several times faster), else PyYAML's.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class AsyncApiError(SpecError):
    """The AsyncAPI document cannot be compared; the message says where and why."""


def _refuse_external(ref: str) -> Node:
    raise AsyncApiError(f"external $ref {ref!r}: no file loader was given for payload schemas")


_PARAMETER = re.compile(r"\{[^}]*\}")
# The AMQP binding's default for an exchange attribute (bindingVersion 0.3.0).
_EXCHANGE_DEFAULTS: Mapping[str, Node] = {"vhost": "/"}


@dataclass(frozen=True)
class Channel:
    key: str  # its id under `channels`
    address: str | None  # for AMQP with `is: routingKey`, the routing key
    amqp: Mapping[str, Node]  # bindings.amqp, refs followed; empty when not stated
    messages: Mapping[str, Mapping[str, Node]]  # message id -> message object, traits applied

    @property
    def label(self) -> str:
        return f"channel {self.key}"

    @property
    def address_shape(self) -> str | None:
        """`room.{roomId}` and `room.{id}` bind the same routing keys: only the name differs."""
        return None if self.address is None else _PARAMETER.sub("{}", self.address)

    @property
    def exchange(self) -> Mapping[str, Node]:
        """The AMQP exchange's attributes, defaults filled in; empty when none is stated."""
        exchange = self.amqp.get("exchange")
        return {**_EXCHANGE_DEFAULTS, **exchange} if isinstance(exchange, Mapping) else {}

    @property
    def identity(self) -> tuple[str | None, Node]:
        """What a consumer binds to: the address (routing key) on an exchange."""
        return self.address, self.exchange.get("name")


@dataclass(frozen=True)
class Operation:
    key: str
    action: str  # "send" (the provider publishes) or "receive"
    channel: str  # the key of the channel it uses
    messages: frozenset[str]  # ids of the channel's messages it carries
    amqp: Mapping[str, Node]

    @property
    def label(self) -> str:
        return f"operation {self.key}"


@dataclass(frozen=True)
class AsyncApiDocument:
    label: str
    resolver: Resolver
    channels: Mapping[str, Channel]
    operations: Mapping[str, Operation]
    default_content_type: str | None
    load_schema: SchemaLoader


def load_asyncapi(path: Path, load_schema: SchemaLoader = _refuse_external) -> AsyncApiDocument:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise AsyncApiError(f"{path}: cannot read the AsyncAPI document: {error}") from error
    return parse_asyncapi(document, str(path), load_schema)


def parse_asyncapi(
    document: Node, label: str, load_schema: SchemaLoader = _refuse_external
) -> AsyncApiDocument:
    if not isinstance(document, dict):
        raise AsyncApiError(f"{label}: an AsyncAPI document is a mapping at the top level")
    version = str(document.get("asyncapi", ""))
    if not version.startswith("3."):
        raise AsyncApiError(
            f"{label}: asyncapi {version or '(missing)'!r}: only AsyncAPI 3.x documents are read"
        )
    try:
        return _parse(document, label, load_schema)
    except AsyncApiError:
        raise
    except SpecError as error:  # a `$ref` to nowhere, found by the shared resolver
        raise AsyncApiError(f"{label}: {error}") from error


def _parse(document: dict[str, Node], label: str, load_schema: SchemaLoader) -> AsyncApiDocument:
    resolver = Resolver(document)
    channels = {
        str(key): _channel(resolver, str(key), node)
        for key, node in _mapping(resolver, document.get("channels"), f"{label}: channels").items()
    }
    operations = {
        str(key): _operation(resolver, str(key), node, channels)
        for key, node in _mapping(
            resolver, document.get("operations"), f"{label}: operations"
        ).items()
    }
    default = document.get("defaultContentType")
    return AsyncApiDocument(
        label, resolver, channels, operations, str(default) if default else None, load_schema
    )


def _mapping(resolver: Resolver, node: Node, where: str) -> Mapping[str, Node]:
    node = resolver.deref(node)
    if node is None:
        return {}
    if not isinstance(node, Mapping):
        raise AsyncApiError(f"{where}: expected a mapping, found {type(node).__name__}")
    return node


def merge_patch(target: Mapping[str, Node], patch: Mapping[str, Node]) -> dict[str, Node]:
    """RFC 7386 JSON Merge Patch, the way AsyncAPI applies traits."""
    merged: dict[str, Node] = dict(target)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping):
            before = merged.get(key)
            merged[key] = merge_patch(before if isinstance(before, Mapping) else {}, value)
        else:
            merged[key] = value
    return merged


def _with_traits(resolver: Resolver, node: Mapping[str, Node], where: str) -> dict[str, Node]:
    """Traits merged in order, then the object itself on top: in 3.0 a trait never overrides
    what the object states."""
    merged: dict[str, Node] = {}
    for index, trait in enumerate(node.get("traits") or []):
        merged = merge_patch(merged, _mapping(resolver, trait, f"{where}: traits[{index}]"))
    return merge_patch(merged, {k: v for k, v in node.items() if k != "traits"})


def _amqp(resolver: Resolver, node: Mapping[str, Node], where: str) -> Mapping[str, Node]:
    bindings = _mapping(resolver, node.get("bindings"), f"{where}: bindings")
    return _mapping(resolver, bindings.get("amqp"), f"{where}: bindings.amqp")


def _channel(resolver: Resolver, key: str, raw: Node) -> Channel:
    where = f"channels.{key}"
    node = _mapping(resolver, raw, where)
    address = node.get("address")
    messages = {
        str(name): _with_traits(
            resolver, _mapping(resolver, message, f"{where}.messages.{name}"), where
        )
        for name, message in _mapping(resolver, node.get("messages"), f"{where}.messages").items()
    }
    return Channel(
        key, None if address is None else str(address), _amqp(resolver, node, where), messages
    )


def _ref_key(ref: Node, prefix: str, where: str) -> str:
    if not isinstance(ref, Mapping) or not isinstance(ref.get("$ref"), str):
        raise AsyncApiError(f"{where}: expected a $ref to {prefix}...")
    target = str(ref["$ref"])
    if not target.startswith(prefix):
        raise AsyncApiError(f"{where}: $ref {target!r} does not point under {prefix}")
    return target.removeprefix(prefix).split("/")[0].replace("~1", "/").replace("~0", "~")


def _operation(
    resolver: Resolver, key: str, raw: Node, channels: Mapping[str, Channel]
) -> Operation:
    where = f"operations.{key}"
    node = _with_traits(resolver, _mapping(resolver, raw, where), where)
    channel_key = _ref_key(node.get("channel"), _CHANNELS_PREFIX, f"{where}.channel")
    if channel_key not in channels:
        raise AsyncApiError(f"{where}.channel: no channel {channel_key!r}")
    channel = channels[channel_key]
    listed = node.get("messages")
    if listed is None:
        messages = frozenset(channel.messages)  # no list: every message of the channel
    else:
        if not isinstance(listed, list):
            raise AsyncApiError(f"{where}.messages: expected a list of $refs")
        prefix = f"{_CHANNELS_PREFIX}{channel_key}/messages/"
        messages = frozenset(
            _ref_key(ref, prefix, f"{where}.messages[{index}]") for index, ref in enumerate(listed)
        )
        unknown = sorted(messages - set(channel.messages))
        if unknown:
            raise AsyncApiError(f"{where}.messages: {channel_key} has no message {unknown[0]!r}")
    return Operation(
        key, str(node.get("action", "")), channel_key, messages, _amqp(resolver, node, where)
    )
