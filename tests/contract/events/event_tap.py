"""A subscription to the provider's exchange: every message it publishes, in arrival order."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import pika


@dataclass(frozen=True)
class Delivery:
    exchange: str
    routing_key: str
    properties: Any  # pika.BasicProperties
    body: bytes


class Tap(Protocol):
    def next(self, timeout: float) -> Delivery | None: ...


class EventTap:
    """An exclusive, auto-delete queue bound to the exchange with `#`: it sees every key,
    so a message on an undocumented key is caught rather than missed."""

    def __init__(self, amqp_url: str, exchange: str) -> None:
        parameters = pika.URLParameters(amqp_url)
        parameters.socket_timeout = 5
        parameters.blocked_connection_timeout = 30
        self.exchange = exchange
        self._connection = pika.BlockingConnection(parameters)
        self._channel = self._connection.channel()
        # A topic exchange must exist, durable as the publisher declares it, before a queue binds.
        self._channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        declared = self._channel.queue_declare("", exclusive=True, auto_delete=True)
        self.queue = declared.method.queue
        self._channel.queue_bind(self.queue, exchange, routing_key="#")
        self._stream: Iterator[tuple[Any, Any, bytes | None]] = self._channel.consume(
            self.queue, auto_ack=True, inactivity_timeout=0.05
        )

    def next(self, timeout: float) -> Delivery | None:
        """The next message, or None when none arrives within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            method, properties, body = next(self._stream)
            if method is not None and body is not None:
                return Delivery(method.exchange, method.routing_key, properties, body)
            if time.monotonic() >= deadline:
                return None

    def close(self) -> None:
        try:
            self._channel.cancel()
        finally:
            self._connection.close()

    def __enter__(self) -> EventTap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def delete_exchange(amqp_url: str, exchange: str) -> None:
    """Remove an exchange made for one run (after its publisher has stopped)."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        connection.channel().exchange_delete(exchange)
    finally:
        connection.close()
