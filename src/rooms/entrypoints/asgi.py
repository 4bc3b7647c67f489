"""The ASGI entry for uvicorn: `uvicorn --factory rooms.entrypoints.asgi:create_app_from_env`."""

from __future__ import annotations

from sqlalchemy import Engine

from rooms.entrypoints.app import RoomsApp, create_app


def create_app_from_env() -> RoomsApp:
    """The app; with ROOMS_AMQP_URL set, also the outbox relay in a thread of this process."""
    app = create_app()
    if app.settings.amqp_url:
        from rooms.adapters.amqp_publisher import AmqpPublisher
        from rooms.adapters.outbox_relay import OutboxRelay, start_in_thread

        relay = OutboxRelay(app.injector.get(Engine), AmqpPublisher(app.settings.amqp_url))
        start_in_thread(relay)
    return app
