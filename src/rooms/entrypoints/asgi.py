"""The ASGI entry for uvicorn: `uvicorn --factory rooms.entrypoints.asgi:create_app_from_env`."""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from rooms.entrypoints.app import RoomsApp, create_app


def create_app_from_env() -> RoomsApp:
    """The app; with ROOMS_AMQP_URL set, also the outbox relay in a thread of this process."""
    app = create_app()
    if app.settings.amqp_url:
        start_relay(app)
    return app


def start_relay(
    app: RoomsApp, *, idle_seconds: float = 0.5
) -> tuple[threading.Thread, threading.Event]:
    """The outbox relay for `app`'s database and exchange in a thread; set the event to stop it."""
    from rooms.adapters.amqp_publisher import AmqpPublisher
    from rooms.adapters.outbox_relay import OutboxRelay, start_in_thread

    if not app.settings.amqp_url:
        raise ValueError("the relay needs ROOMS_AMQP_URL")
    publisher = AmqpPublisher(app.settings.amqp_url, exchange=app.settings.amqp_exchange)
    relay = OutboxRelay(app.injector.get(Engine), publisher, idle_seconds=idle_seconds)
    return start_in_thread(relay)
