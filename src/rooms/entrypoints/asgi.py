"""The ASGI entry for uvicorn: `uvicorn --factory rooms.entrypoints.asgi:create_app_from_env`."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from rooms.entrypoints.app import RoomsApp, create_app

if TYPE_CHECKING:  # the broker's modules load only when a broker is configured
    from rooms.adapters.amqp_publisher import AmqpPublisher
    from rooms.adapters.outbox_relay import OutboxRelay

log = logging.getLogger("rooms.relay")


def create_app_from_env() -> RoomsApp:
    """The app; with ROOMS_AMQP_URL set, also the outbox relay in a thread of this process."""
    app = create_app()
    if app.settings.amqp_url:
        from rooms.adapters.outbox_relay import start_in_thread

        relay, publisher = build_relay(app)
        thread, stop = start_in_thread(relay)
        bound = app.settings.limits.shutdown_seconds
        app.on_shutdown.append(_drain(relay, publisher, thread, stop, bound))
    app.on_shutdown.append(app.close)
    return app


def build_relay(app: RoomsApp, *, idle_seconds: float = 0.5) -> tuple[OutboxRelay, AmqpPublisher]:
    """The outbox relay for `app`'s database and exchange, and the publisher it sends through."""
    from rooms.adapters.amqp_publisher import AmqpPublisher
    from rooms.adapters.outbox_relay import OutboxRelay

    if not app.settings.amqp_url:
        raise ValueError("the relay needs ROOMS_AMQP_URL")
    publisher = AmqpPublisher(app.settings.amqp_url, exchange=app.settings.amqp_exchange)
    return OutboxRelay(app.injector.get(Engine), publisher, idle_seconds=idle_seconds), publisher


def start_relay(
    app: RoomsApp, *, idle_seconds: float = 0.5
) -> tuple[threading.Thread, threading.Event]:
    """The outbox relay for `app` in a thread; set the event to stop it."""
    from rooms.adapters.outbox_relay import start_in_thread

    relay, _ = build_relay(app, idle_seconds=idle_seconds)
    return start_in_thread(relay)


def _drain(
    relay: OutboxRelay,
    publisher: AmqpPublisher,
    thread: threading.Thread,
    stop: threading.Event,
    bound: float,
) -> Callable[[], None]:
    def drain() -> None:
        # Requests have finished: what they committed goes out before the process ends.
        deadline = time.monotonic() + bound
        stop.set()
        thread.join(bound)
        try:
            while time.monotonic() < deadline and relay.publish_pending():
                pass
        except Exception as error:  # the broker is down: the rows wait for the next start
            log.warning("relay: events left unsent at shutdown (%r)", error)
        finally:
            publisher.close()

    return drain
