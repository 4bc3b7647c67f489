"""The relay: outbox rows to RabbitMQ, in order, each marked sent only after the broker confirms.

Delivery is at least once: a crash between the broker's confirm and the commit that marks
the row sends that event again, with the same message_id (the event id), so consumers drop
duplicates by message_id. One relay publishes at a time: each batch runs in a transaction
that holds a lock (a PostgreSQL advisory lock; SQLite's write lock), so a second relay,
in-process or not, waits instead of sending the same rows, and events of one room keep
their order. A standby relay takes over as soon as the active one stops.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Connection, Engine, select, text, update

from rooms.adapters.orm import outbox
from rooms.service_layer.event_encoding import EncodedEvent

log = logging.getLogger("rooms.relay")

# Any fixed 64-bit number names the relay's lock; this one spells "rooms" in ASCII.
_ADVISORY_LOCK = 0x726F6F6D73


class Publisher(Protocol):
    def publish(self, event: EncodedEvent) -> None: ...

    def close(self) -> None: ...


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        publisher: Publisher,
        *,
        batch_size: int = 200,
        idle_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
    ) -> None:
        self._engine = engine
        self._publisher = publisher
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self._max_backoff = max_backoff_seconds

    def publish_pending(self) -> int:
        """Publish one batch of waiting events: how many went out (0: none, or another relay has the lock).

        A failed publish ends the batch, but what the broker confirmed before it is still
        marked sent (committed), and then the failure is raised for the caller's backoff.
        """
        failure: Exception | None = None
        sent: list[int] = []
        connection = self._engine.connect().execution_options(sqlite_begin="IMMEDIATE")
        try:
            with connection.begin():
                if not self._hold_lock(connection):
                    return 0
                rows = connection.execute(
                    select(outbox)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self._batch_size)
                ).all()
                for row in rows:
                    try:
                        self._publisher.publish(_encoded(row))
                    except Exception as error:
                        failure = error
                        break
                    sent.append(row.id)
                if sent:
                    connection.execute(
                        update(outbox)
                        .where(outbox.c.id.in_(sent))
                        .values(published_at=datetime.now(UTC))
                    )
        finally:
            connection.close()
        if failure is not None:
            raise failure
        return len(sent)

    def _hold_lock(self, connection: Connection) -> bool:
        if connection.dialect.name == "postgresql":
            held = connection.scalar(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK}
            )
            return bool(held)
        return True  # SQLite: BEGIN IMMEDIATE already holds the database's one write lock

    def run(self, stop: threading.Event, *, on_idle: Callable[[], None] | None = None) -> None:
        """Relay until `stop` is set: drain, wait when idle, back off while the broker is down."""
        failures = 0
        while not stop.is_set():
            try:
                sent = self.publish_pending()
            except Exception as error:
                failures += 1
                delay = min(self._max_backoff, 0.5 * 2 ** min(failures, 10)) * random.uniform(
                    0.5, 1
                )
                log.warning("relay: publishing failed (%r); retrying in %.1fs", error, delay)
                self._publisher.close()
                stop.wait(delay)
                continue
            if failures:
                log.info("relay: publishing again after %d failed attempts", failures)
                failures = 0
            if sent == 0:
                if on_idle is not None:
                    on_idle()
                stop.wait(self._idle_seconds)
        self._publisher.close()


def _encoded(row: object) -> EncodedEvent:
    return EncodedEvent(
        event_id=row.event_id,  # type: ignore[attr-defined]
        event_type=row.event_type,  # type: ignore[attr-defined]
        routing_key=row.routing_key,  # type: ignore[attr-defined]
        room_id=row.room_id,  # type: ignore[attr-defined]
        room_version=row.room_version,  # type: ignore[attr-defined]
        occurred_at=row.occurred_at,  # type: ignore[attr-defined]
        schema_fingerprint=bytes(row.schema_fingerprint),  # type: ignore[attr-defined]
        payload=bytes(row.payload),  # type: ignore[attr-defined]
    )


def start_in_thread(relay: OutboxRelay) -> tuple[threading.Thread, threading.Event]:
    """The relay beside the web server (`rooms serve` with ROOMS_AMQP_URL set)."""
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), name="outbox-relay", daemon=True)
    thread.start()
    return thread, stop
