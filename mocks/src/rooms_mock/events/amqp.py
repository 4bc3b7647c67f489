"""Publishing the mock's events to RabbitMQ (pika): confirms, persistent messages, bounded waits.

One blocking connection, used from the thread that serves HTTP: a write's events are
confirmed by the broker before its HTTP answer leaves, so a consumer that sees the answer
can already read the event. Heartbeats are off (the connection idles between writes and
nothing here would service them); a dead connection is noticed on the next publish and
reopened once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

import pika
import pika.exceptions

from rooms_mock.events.outgoing import OutgoingEvent

CONNECT_SECONDS = 5.0  # socket connect, AMQP handshake and each blocking wait
BLOCKED_SECONDS = 10.0  # a broker that blocks publishers (memory alarm) fails us after this


def message_properties(event: OutgoingEvent) -> pika.BasicProperties:
    """The AMQP properties of an event, as the service's relay sets them."""
    return pika.BasicProperties(
        message_id=event.message_id,
        content_type=event.content_type,
        type=event.message_type or event.message,
        timestamp=event.timestamp or None,
        delivery_mode=event.delivery_mode,
        headers=dict(event.headers),
    )


class BrokerUnavailable(RuntimeError):
    """The broker cannot be reached or refused the message."""


class AmqpEventPublisher:
    def __init__(self, url: str) -> None:
        try:
            self._parameters = pika.URLParameters(url)
        except Exception as error:  # pika raises several types for a malformed URL
            raise BrokerUnavailable(f"{url!r} is not an AMQP URL: {error}") from None
        self._parameters.socket_timeout = CONNECT_SECONDS
        self._parameters.stack_timeout = CONNECT_SECONDS
        self._parameters.blocked_connection_timeout = BLOCKED_SECONDS
        self._parameters.connection_attempts = 1
        self._parameters.heartbeat = 0
        self._url = _safe(url)
        self._connection: pika.BlockingConnection | None = None
        self._channel: Any = None
        self._declared: set[str] = set()

    def connect(self) -> None:
        """Open the connection now (at start-up), so an unreachable broker is said at once."""
        self._ready()

    def _ready(self) -> Any:
        if self._channel is not None and self._channel.is_open:
            return self._channel
        self.close()
        try:
            self._connection = pika.BlockingConnection(self._parameters)
            channel = self._connection.channel()
            channel.confirm_delivery()
        except (pika.exceptions.AMQPError, OSError) as error:
            self.close()
            raise BrokerUnavailable(
                f"cannot reach RabbitMQ at {self._url}: {type(error).__name__} {error}".rstrip()
            ) from None
        self._channel = channel
        self._declared.clear()
        return channel

    def _publish_one(self, event: OutgoingEvent) -> None:
        channel = self._ready()
        if event.exchange not in self._declared:
            # As the relay declares it: a durable topic exchange, before anyone binds to it.
            channel.exchange_declare(
                event.exchange, exchange_type=event.exchange_type, durable=True
            )
            self._declared.add(event.exchange)
        channel.basic_publish(
            exchange=event.exchange,
            routing_key=event.routing_key,
            body=event.body,
            properties=message_properties(event),
            mandatory=False,
        )

    def publish(self, events: Iterable[OutgoingEvent]) -> None:
        """Returns once the broker confirmed every event; raises BrokerUnavailable if not."""
        for event in events:
            try:
                self._publish_one(event)
            except (pika.exceptions.AMQPError, OSError):
                # The idle connection may have died since the last write: reopen once.
                self.close()
                try:
                    self._publish_one(event)
                except (pika.exceptions.AMQPError, OSError) as error:
                    self.close()
                    raise BrokerUnavailable(
                        f"RabbitMQ at {self._url} did not take {event.message} "
                        f"{event.message_id}: {type(error).__name__} {error}".rstrip()
                    ) from None

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except Exception as error:  # closing a broken connection may fail; it is gone anyway
                print(f"rooms-mock: closing the AMQP connection: {error!r}", file=sys.stderr)

    def __enter__(self) -> AmqpEventPublisher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
