"""Publishing encoded events to RabbitMQ with publisher confirms (pika's blocking adapter).

The exchange, routing keys, properties and header names come from contracts/asyncapi.yaml
(rooms_events.transport); only the values, taken from the event, are this module's.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel

from rooms.service_layer.event_encoding import EncodedEvent
from rooms_events.transport import EventTransport, MessageTransport

log = logging.getLogger("rooms.relay")

FINGERPRINT_HEADER = "avro-fingerprint"  # pacts pin the writer schema by this header too
# What the relay puts in each AMQP header asyncapi.yaml names; a header the document
# requires and this table cannot fill stops the publisher at start (see header_values).
HEADER_VALUES: dict[str, Callable[[EncodedEvent], Any]] = {
    FINGERPRINT_HEADER: lambda event: event.schema_fingerprint.hex(),
    "room-id": lambda event: str(event.room_id),
    "room-version": lambda event: event.room_version,
}


@functools.cache
def bundled_transport() -> EventTransport:
    return EventTransport.bundled()


def header_values(message: MessageTransport) -> dict[str, Callable[[EncodedEvent], Any]]:
    """The header fillers for `message`; ValueError if the document requires one unknown here."""
    missing = [name for name in message.required_headers if name not in HEADER_VALUES]
    if missing:
        raise ValueError(
            f"asyncapi.yaml requires header(s) {', '.join(missing)} on {message.name}, "
            "which the relay does not know how to fill"
        )
    return {name: HEADER_VALUES[name] for name in message.required_headers}


def message_properties(
    event: EncodedEvent, transport: EventTransport | None = None
) -> pika.BasicProperties:
    """The AMQP properties asyncapi.yaml promises for `event`'s message."""
    message = (transport or bundled_transport()).message(event.event_type)
    return pika.BasicProperties(
        message_id=str(event.event_id),
        content_type=message.content_type,
        type=message.message_type,
        timestamp=int(event.occurred_at.timestamp()) if message.timestamp else None,
        delivery_mode=message.delivery_mode,
        headers={name: value(event) for name, value in header_values(message).items()},
    )


def declare_exchange(channel: BlockingChannel, exchange: str, transport: EventTransport) -> None:
    """Declare `exchange` as asyncapi.yaml describes it: the relay before publishing, and the
    readiness check, so that both prove the same thing (a mismatch is a 406 from the broker)."""
    channel.exchange_declare(
        exchange,
        exchange_type=transport.exchange_type,
        durable=transport.durable,
        auto_delete=transport.auto_delete,
    )


class AmqpPublisher:
    """One connection and confirm-mode channel, opened on first use and after any failure."""

    def __init__(
        self, url: str, *, exchange: str | None = None, transport: EventTransport | None = None
    ) -> None:
        """exchange: another name for the document's exchange (tests use unique ones)."""
        self._transport = transport or bundled_transport()
        for message in self._transport:
            header_values(message)  # a document the relay cannot honour stops it here
        self._parameters = pika.URLParameters(url)
        # Fail fast when the broker is away: the relay's backoff does the waiting.
        self._parameters.socket_timeout = 5
        self._parameters.blocked_connection_timeout = 30
        self._exchange = exchange or self._transport.exchange
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def _ready_channel(self) -> BlockingChannel:
        if self._channel is None or not self._channel.is_open:
            self.close()
            self._connection = pika.BlockingConnection(self._parameters)
            channel = self._connection.channel()
            declare_exchange(channel, self._exchange, self._transport)
            channel.confirm_delivery()
            self._channel = channel
        return self._channel

    def publish(self, event: EncodedEvent) -> None:
        """Returns once the broker has confirmed the message; raises if it did not."""
        self._ready_channel().basic_publish(
            exchange=self._exchange,
            routing_key=self._transport.message(event.event_type).routing_key,
            body=event.payload,
            properties=message_properties(event, self._transport),
        )

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except Exception as error:
                log.debug("closing the AMQP connection failed: %r", error)

    def __enter__(self) -> AmqpPublisher:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
