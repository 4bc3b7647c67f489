"""Comparing two versions of one message. A message the provider sends is to its consumers what
a response is to an HTTP client: a header or field they rely on may not go away or loosen, and
an Avro payload must stay readable with the schema they hold (the old one reading the new). A
message the provider receives is judged as a request: it may not demand more, and the new
schema must read what senders still write with the old one."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rooms.compat.asyncapi_model import AsyncApiDocument, AsyncApiError
from rooms.compat.asyncapi_payload import JSON_SCHEMA_FAMILIES, Payload, headers_of, payload_of
from rooms.compat.avro_evolution import check_pair
from rooms.compat.change_report import Change, Severity
from rooms.compat.openapi_resolve import Node
from rooms.compat.openapi_schema_diff import Direction, SchemaDiffer

# AMQP message binding fields a consumer reads to route or decode a message; a change breaks it.
_BINDING_RULES = {
    "messageType": "message-type-changed",
    "contentEncoding": "message-content-encoding-changed",
}
# Where the document states the AMQP message properties (message_id, type, timestamp, ...): the
# AMQP message binding has no field for them, so the project's contract uses an extension.
AMQP_PROPERTIES = "x-amqp-properties"
# Which Avro mode says the readers can read the writers: a sent message is read by consumers
# holding the old schema (FORWARD: old reads new); a received one by the provider's new schema
# (BACKWARD: new reads old); a message both ways needs both.
_AVRO_MODES = {
    frozenset({Direction.RESPONSE}): "FORWARD",
    frozenset({Direction.REQUEST}): "BACKWARD",
    frozenset({Direction.RESPONSE, Direction.REQUEST}): "FULL",
}
SENT = frozenset({Direction.RESPONSE})


def _without_docs(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _without_docs(value) for key, value in node.items() if key != "doc"}
    if isinstance(node, list):
        return [_without_docs(item) for item in node]
    return node


def _same_schema(old: Node, new: Node) -> bool:
    def text(node: Node) -> str:
        return json.dumps(_without_docs(node), sort_keys=True, default=str)

    return text(old) == text(new)


def _engine_rule(rule: str) -> str:
    """The schema engine's rule without its HTTP direction: `response-type-changed` ->
    `type-changed` (the message's direction decided its severity already)."""
    for direction in Direction:
        rule = rule.removeprefix(f"{direction}-")
    return rule


def _header_rule(rule: str) -> str:
    """The schema engine's rules, named for headers: `response-required-property-removed` ->
    `message-required-header-removed`, `response-type-changed` -> `message-header-type-changed`."""
    rest = _engine_rule(rule)
    if "property" in rest:
        return f"message-{rest.replace('property', 'header')}"
    return f"message-header-{rest}"


def _schema_differ(
    old: AsyncApiDocument,
    new: AsyncApiDocument,
    emit: Callable[[Severity, str, str, str], None],
    today: dt.date,
) -> SchemaDiffer:
    return SchemaDiffer(old.resolver, new.resolver, emit, today=today)


@dataclass
class MessageDiffer:
    old: AsyncApiDocument
    new: AsyncApiDocument
    changes: list[Change]
    today: dt.date  # deprecated headers and fields are judged against it

    def emit(self, severity: Severity, rule: str, location: str, message: str) -> None:
        self.changes.append(Change("asyncapi", severity, rule, location, message))

    def compare(
        self,
        old: Mapping[str, Node],
        new: Mapping[str, Node],
        where: str,
        directions: frozenset[Direction] = SENT,
    ) -> None:
        """`directions`: RESPONSE when the provider sends the message, REQUEST when it receives it."""
        self._compare_content_type(old, new, where)
        self._compare_bindings(old, new, where)
        self._compare_correlation_id(old, new, where)
        self._compare_amqp_properties(old, new, where)
        self._compare_schema(
            headers_of(self.old, old, where),
            headers_of(self.new, new, where),
            f"{where} headers",
            _header_rule,
            directions,
        )
        self._compare_payload(
            payload_of(self.old, old, where), payload_of(self.new, new, where), where, directions
        )

    def _compare_content_type(
        self, old: Mapping[str, Node], new: Mapping[str, Node], where: str
    ) -> None:
        was = old.get("contentType") or self.old.default_content_type
        now = new.get("contentType") or self.new.default_content_type
        if was != now:
            self.emit(
                Severity.BREAKING if was else Severity.INFO,
                "message-content-type-changed",
                where,
                f"content type {was or '(not stated)'} -> {now or '(not stated)'}",
            )

    def _compare_bindings(
        self, old: Mapping[str, Node], new: Mapping[str, Node], where: str
    ) -> None:
        was, now = _amqp_binding(self.old, old, where), _amqp_binding(self.new, new, where)
        for key in sorted((was.keys() | now.keys()) - {"bindingVersion"}):
            before, after = was.get(key), now.get(key)
            if before == after:
                continue
            rule = _BINDING_RULES.get(key, "message-amqp-binding-changed")
            # Stating what was unstated promises more; changing or dropping a value breaks
            # consumers that route or decode by it (the others are a human's call).
            severity = (
                Severity.INFO
                if before is None
                else Severity.BREAKING
                if key in _BINDING_RULES
                else Severity.WARNING
            )
            self.emit(severity, rule, f"{where} bindings.amqp.{key}", f"{before!r} -> {after!r}")

    def _compare_correlation_id(
        self, old: Mapping[str, Node], new: Mapping[str, Node], where: str
    ) -> None:
        def location(document: AsyncApiDocument, message: Mapping[str, Node]) -> Node:
            node = document.resolver.deref(message.get("correlationId"))
            return node.get("location") if isinstance(node, Mapping) else None

        was, now = location(self.old, old), location(self.new, new)
        if was != now:
            self.emit(
                Severity.INFO if was is None else Severity.BREAKING,
                "message-correlation-id-changed",
                where,
                f"correlation id location {was!r} -> {now!r}",
            )

    def _compare_amqp_properties(
        self, old: Mapping[str, Node], new: Mapping[str, Node], where: str
    ) -> None:
        """`x-amqp-properties`: the AMQP properties (message_id, type, timestamp...) and where
        their values come from; consumers deduplicate and dispatch by them."""
        was = _mapping_or_empty(self.old, old.get(AMQP_PROPERTIES), f"{where} {AMQP_PROPERTIES}")
        now = _mapping_or_empty(self.new, new.get(AMQP_PROPERTIES), f"{where} {AMQP_PROPERTIES}")
        for name in sorted(was.keys() | now.keys()):
            at = f"{where} {AMQP_PROPERTIES}.{name}"
            if name not in now:
                self.emit(
                    Severity.BREAKING,
                    "message-amqp-property-removed",
                    at,
                    f"the {name} property ({was[name]!r}) is no longer promised",
                )
            elif name not in was:
                self.emit(Severity.INFO, "message-amqp-property-added", at, f"{now[name]!r}")
            elif was[name] != now[name]:
                self.emit(
                    Severity.BREAKING,
                    "message-amqp-property-changed",
                    at,
                    f"{was[name]!r} -> {now[name]!r}",
                )

    def _compare_schema(
        self,
        old: Node,
        new: Node,
        where: str,
        rename: Callable[[str], str],
        directions: frozenset[Direction],
    ) -> None:
        """JSON Schema dialects (headers, non-Avro payloads), with the HTTP guard's engine in
        the message's direction: a sent message as a response, a received one as a request."""

        def emit(severity: Severity, rule: str, path: str, message: str) -> None:
            # The engine speaks of HTTP responses and requests; here messages are sent/received.
            said = message.replace("returned", "sent").replace("requests", "received messages")
            self.emit(severity, rename(rule), f"{where}: {path}", said)

        # No headers stated reads as "no header promised": an object schema with no properties.
        differ = _schema_differ(self.old, self.new, emit, self.today)
        for direction in sorted(directions):
            differ.compare(
                old if old is not None else {"type": "object"},
                new if new is not None else {"type": "object"},
                direction,
            )

    def _compare_payload(
        self, old: Payload, new: Payload, where: str, directions: frozenset[Direction]
    ) -> None:
        at = f"{where} payload"
        if old.family != new.family:
            self.emit(
                Severity.BREAKING,
                "message-payload-format-changed",
                at,
                f"schema format {old.family} -> {new.family}: consumers decode it differently",
            )
        elif old.family == "avro":
            self._compare_avro(old, new, at, _AVRO_MODES[directions])
        elif old.family in JSON_SCHEMA_FAMILIES:
            self._compare_schema(
                old.schema,
                new.schema,
                at,
                lambda rule: "message-payload-" + _engine_rule(rule),
                directions,
            )
        elif not _same_schema(old.schema, new.schema):
            self.emit(
                Severity.WARNING,
                "message-payload-unchecked",
                at,
                f"{old.family} schemas cannot be compared here: a human decides",
            )

    def _compare_avro(self, old: Payload, new: Payload, at: str, mode: str) -> None:
        if _same_schema(old.schema, new.schema):
            return  # a moved or re-spelled $ref to the same schema is a refactor
        try:
            failures = check_pair(
                old.schema,
                new.schema,
                mode,
                earlier_label=old.source,
                new_label=new.source,
            )
        except ValueError as error:
            raise AsyncApiError(f"{at}: {error}") from error
        for failure in failures:
            self.emit(
                Severity.BREAKING,
                "message-payload-incompatible",
                f"{at}: {failure.field or '$'}",
                f"{failure.rule}: {failure.message} ({failure.reader} cannot read what "
                f"{failure.writer} writes)",
            )
        if not failures:
            self.emit(
                Severity.INFO,
                "message-payload-changed",
                at,
                f"{old.source} -> {new.source}: {mode} compatible",
            )


def _mapping_or_empty(document: AsyncApiDocument, node: Node, where: str) -> Mapping[str, Node]:
    node = document.resolver.deref(node)
    if node is None:
        return {}
    if not isinstance(node, Mapping):
        raise AsyncApiError(f"{where}: expected a mapping, found {type(node).__name__}")
    return node


def _amqp_binding(
    document: AsyncApiDocument, message: Mapping[str, Node], where: str
) -> Mapping[str, Node]:
    bindings = document.resolver.deref(message.get("bindings")) or {}
    amqp = document.resolver.deref(bindings.get("amqp")) if isinstance(bindings, Mapping) else {}
    if amqp is not None and not isinstance(amqp, Mapping):
        raise AsyncApiError(f"{where}: bindings.amqp is not a mapping")
    return amqp or {}
