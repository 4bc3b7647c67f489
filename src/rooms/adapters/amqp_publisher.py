"""Publishing encoded events to RabbitMQ with publisher confirms (pika's blocking adapter)."""

from __future__ import annotations

import logging
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel

from rooms.service_layer.event_encoding import EncodedEvent

log = logging.getLogger("rooms.relay")

EXCHANGE = "rooms.events"
FINGERPRINT_HEADER = "avro-fingerprint"
CONTENT_TYPE = "application/avro"


def message_properties(event: EncodedEvent) -> pika.BasicProperties:
    return pika.BasicProperties(
        message_id=str(event.event_id),
        content_type=CONTENT_TYPE,
        type=event.event_type,
        timestamp=int(event.occurred_at.timestamp()),
        delivery_mode=pika.DeliveryMode.Persistent,
        headers={
            FINGERPRINT_HEADER: event.schema_fingerprint.hex(),
            "room-id": str(event.room_id),
            "room-version": event.room_version,
        },
    )


class AmqpPublisher:
    """One connection and confirm-mode channel, opened on first use and after any failure."""

    def __init__(self, url: str, *, exchange: str = EXCHANGE) -> None:
        self._parameters = pika.URLParameters(url)
        # Fail fast when the broker is away: the relay's backoff does the waiting.
        self._parameters.socket_timeout = 5
        self._parameters.blocked_connection_timeout = 30
        self._exchange = exchange
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def _ready_channel(self) -> BlockingChannel:
        if self._channel is None or not self._channel.is_open:
            self.close()
            self._connection = pika.BlockingConnection(self._parameters)
            channel = self._connection.channel()
            channel.exchange_declare(self._exchange, exchange_type="topic", durable=True)
            channel.confirm_delivery()
            self._channel = channel
        return self._channel

    def publish(self, event: EncodedEvent) -> None:
        """Returns once the broker has confirmed the message; raises if it did not."""
        self._ready_channel().basic_publish(
            exchange=self._exchange,
            routing_key=event.routing_key,
            body=event.payload,
            properties=message_properties(event),
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
