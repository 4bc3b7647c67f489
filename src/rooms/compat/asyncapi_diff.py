"""Comparing two AsyncAPI 3.0 documents for the consumers of the earlier one: channels (routing
key and exchange), operations, and the messages each carries. The provider sends; a consumer
binds a queue to an exchange by routing key and decodes what arrives, so anything it binds to or
relies on going away is breaking, and additions are not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from rooms.compat.asyncapi_message_diff import SENT, MessageDiffer
from rooms.compat.asyncapi_model import AsyncApiDocument, Channel, Operation
from rooms.compat.change_report import Change, Severity
from rooms.compat.openapi_resolve import Node
from rooms.compat.openapi_schema_diff import Direction

# The AMQP exchange attributes a consumer declares its side with: a mismatch makes RabbitMQ
# refuse the consumer's declaration (PRECONDITION_FAILED) or leaves its queue unbound.
_EXCHANGE_RULES = {
    "name": "exchange-name-changed",
    "type": "exchange-type-changed",
    "durable": "exchange-durability-changed",
    "autoDelete": "exchange-auto-delete-changed",
    "vhost": "exchange-vhost-changed",
}
# Defaults of the AMQP channel binding (bindingVersion 0.3.0), so stating one changes nothing.
_BINDING_DEFAULTS: Mapping[str, Node] = {"is": "routingKey"}
_ACTION_DIRECTIONS = {"send": Direction.RESPONSE, "receive": Direction.REQUEST}
# AMQP 0-9-1 delivery modes: 1 transient, 2 persistent (survives a broker restart).
_PERSISTENT = 2


def _routing_keys(document: AsyncApiDocument, operation: Operation) -> frozenset[str]:
    """An AMQP send goes to the `cc` routing keys when the binding lists them, else the address."""
    cc = operation.amqp.get("cc")
    if isinstance(cc, list) and cc:
        return frozenset(str(key) for key in cc)
    address = document.channels[operation.channel].address
    return frozenset() if address is None else frozenset({address})


@dataclass
class AsyncApiDiff:
    old: AsyncApiDocument
    new: AsyncApiDocument
    today: dt.date
    changes: list[Change] = field(default_factory=list)

    # Head ids matched to a base id under another name: reported as renamed, not as added.
    _renamed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.messages = MessageDiffer(self.old, self.new, self.changes, self.today)

    def emit(self, severity: Severity, rule: str, location: str, message: str) -> None:
        self.changes.append(Change("asyncapi", severity, rule, location, message))

    def run(self) -> list[Change]:
        for key, channel in self.old.channels.items():
            now = self.new.channels.get(key)
            if now is None:
                self._channel_gone(channel)
            else:
                self._compare_channel(channel, now)
        for key, channel in self.new.channels.items():
            if key not in self.old.channels and f"channel {key}" not in self._renamed:
                self.emit(
                    Severity.INFO, "channel-added", channel.label, f"address {channel.address!r}"
                )
        for key, operation in self.old.operations.items():
            if key in self.new.operations:
                self._compare_operation(operation, self.new.operations[key])
            else:
                self._operation_gone(operation)
        for key, operation in self.new.operations.items():
            if key not in self.old.operations and f"operation {key}" not in self._renamed:
                self.emit(Severity.INFO, "operation-added", operation.label, operation.action)
        return self.changes

    def _channel_gone(self, channel: Channel) -> None:
        renamed = [
            c.key
            for c in self.new.channels.values()
            if c.identity == channel.identity
            and c.key not in self.old.channels
            and c.label not in self._renamed
        ]
        if renamed:
            self._renamed.add(f"channel {renamed[0]}")
            self.emit(
                Severity.WARNING,
                "channel-id-changed",
                channel.label,
                f"now {renamed[0]!r}, same address and exchange (generated code may rename)",
            )
            self._compare_channel(channel, self.new.channels[renamed[0]])
            return
        self.emit(
            Severity.BREAKING,
            "channel-removed",
            channel.label,
            f"address {channel.address!r} is gone: consumers bound to it receive nothing",
        )

    def _compare_channel(self, old: Channel, new: Channel) -> None:
        if old.address != new.address and old.address_shape == new.address_shape:
            self.emit(
                Severity.WARNING,
                "channel-parameter-renamed",
                old.label,
                f"address {old.address!r} -> {new.address!r}: the same routing keys (generated "
                "code may name the parameter differently)",
            )
        elif old.address != new.address:
            self.emit(
                Severity.BREAKING,
                "channel-address-changed",
                old.label,
                f"routing key {old.address!r} -> {new.address!r}: queues bound to the old key "
                "receive nothing",
            )
        was = {**_BINDING_DEFAULTS, **old.amqp}
        now = {**_BINDING_DEFAULTS, **new.amqp}
        if was.get("is") != now.get("is"):
            self.emit(
                Severity.BREAKING,
                "channel-binding-kind-changed",
                old.label,
                f"AMQP channel is {was.get('is')!r} -> {now.get('is')!r}",
            )
            # Exchange and queue differences follow from the new kind: reporting each is noise.
            self._compare_messages(old, new)
            return
        if was.get("queue") != now.get("queue") and was.get("queue") is not None:
            self.emit(
                Severity.BREAKING,
                "channel-queue-changed",
                old.label,
                f"queue {was.get('queue')!r} -> {now.get('queue')!r}",
            )
        self._compare_exchange(old, new)
        self._compare_messages(old, new)

    def _compare_exchange(self, old: Channel, new: Channel) -> None:
        was, now = old.exchange, new.exchange
        for attribute, rule in _EXCHANGE_RULES.items():
            before, after = was.get(attribute), now.get(attribute)
            if before == after:
                continue
            self.emit(
                # Stating an attribute that was unstated adds a promise; anything else breaks.
                Severity.INFO if before is None else Severity.BREAKING,
                rule,
                f"{old.label} bindings.amqp.exchange.{attribute}",
                f"{before!r} -> {after!r}",
            )

    def _directions(self, channel: Channel, message: str) -> frozenset[Direction]:
        """Who writes the message, as the base document's operations on it say: the provider
        (send: judged as a response) or others (receive: judged as a request)."""
        actions = {
            op.action
            for op in self.old.operations.values()
            if op.channel == channel.key and message in op.messages
        }
        found = {_ACTION_DIRECTIONS[a] for a in actions if a in _ACTION_DIRECTIONS}
        # A message no operation names is described as one the provider sends.
        return frozenset(found) or SENT

    def _compare_messages(self, old: Channel, new: Channel) -> None:
        for key, message in old.messages.items():
            where = f"{old.label} message {key}"
            if key in new.messages:
                directions = self._directions(old, key)
                self.messages.compare(message, new.messages[key], where, directions)
            else:
                self.emit(
                    Severity.BREAKING,
                    "message-removed",
                    where,
                    f"gone from {old.address!r}",
                )
        for key in new.messages.keys() - old.messages.keys():
            # Consumers already bound to this routing key will start receiving a message type
            # they may not know how to decode: not breaking, but a human should look.
            self.emit(
                Severity.WARNING,
                "message-added",
                f"{new.label} message {key}",
                f"a new message on {new.address!r}: existing consumers of it receive it too",
            )

    def _operation_gone(self, operation: Operation) -> None:
        for candidate in self.new.operations.values():
            if (
                candidate.key not in self.old.operations
                and candidate.label not in self._renamed
                and candidate.action == operation.action
                and self.new.channels[candidate.channel].identity
                == self.old.channels[operation.channel].identity
                and candidate.messages >= operation.messages
            ):
                self.emit(
                    Severity.WARNING,
                    "operation-id-changed",
                    operation.label,
                    f"now {candidate.key!r}, same channel and messages (generated code may rename)",
                )
                self._renamed.add(candidate.label)
                self._compare_operation(operation, candidate)
                return
        self.emit(
            Severity.BREAKING,
            "operation-removed",
            operation.label,
            f"{operation.action} on {operation.channel!r} is gone",
        )

    def _compare_operation(self, old: Operation, new: Operation) -> None:
        if old.action != new.action:
            self.emit(
                Severity.BREAKING,
                "operation-action-changed",
                old.label,
                f"{old.action!r} -> {new.action!r}",
            )
        old_channel, new_channel = self.old.channels[old.channel], self.new.channels[new.channel]
        if old.channel != new.channel and old_channel.identity != new_channel.identity:
            self.emit(
                Severity.BREAKING,
                "operation-channel-changed",
                old.label,
                f"{old.channel!r} ({old_channel.address!r}) -> {new.channel!r} "
                f"({new_channel.address!r})",
            )
        for key in sorted(old.messages - new.messages):
            self.emit(Severity.BREAKING, "operation-message-removed", old.label, f"{key!r}")
        for key in sorted(new.messages - old.messages):
            self.emit(Severity.INFO, "operation-message-added", old.label, f"{key!r}")
        self._compare_operation_binding(old, new)

    def _compare_operation_binding(self, old: Operation, new: Operation) -> None:
        # With `cc` the operation lists its routing keys; without, the key is the channel's
        # address, which the channel comparison already covers.
        if old.amqp.get("cc") or new.amqp.get("cc"):
            was, now = _routing_keys(self.old, old), _routing_keys(self.new, new)
            for key in sorted(was - now):
                self.emit(
                    Severity.BREAKING,
                    "operation-routing-key-removed",
                    old.label,
                    f"no longer published with routing key {key!r}",
                )
            for key in sorted(now - was):
                self.emit(Severity.INFO, "operation-routing-key-added", old.label, f"{key!r}")
        before, after = old.amqp.get("deliveryMode"), new.amqp.get("deliveryMode")
        if before != after:
            self.emit(
                Severity.BREAKING if before == _PERSISTENT else Severity.INFO,
                "operation-delivery-mode-changed",
                f"{old.label} bindings.amqp.deliveryMode",
                f"{before!r} -> {after!r} (2 is persistent)",
            )
        compared_above = {"cc", "deliveryMode", "bindingVersion"}
        if old.amqp.get("timestamp") is True and new.amqp.get("timestamp") is not True:
            compared_above.add("timestamp")
            self.emit(
                Severity.BREAKING,
                "operation-timestamp-dropped",
                f"{old.label} bindings.amqp.timestamp",
                "messages no longer carry the AMQP timestamp property",
            )
        for key in sorted((old.amqp.keys() | new.amqp.keys()) - compared_above):
            if old.amqp.get(key) != new.amqp.get(key):
                self.emit(
                    Severity.INFO if old.amqp.get(key) is None else Severity.WARNING,
                    "operation-amqp-binding-changed",
                    f"{old.label} bindings.amqp.{key}",
                    f"{old.amqp.get(key)!r} -> {new.amqp.get(key)!r}",
                )


def diff_asyncapi(
    old: AsyncApiDocument, new: AsyncApiDocument, today: dt.date | None = None
) -> list[Change]:
    """`today` judges deprecation sunsets, as for OpenAPI (default: today, UTC)."""
    return AsyncApiDiff(old, new, today or dt.datetime.now(dt.UTC).date()).run()
