"""The ASGI entry for uvicorn: `uvicorn --factory rooms.entrypoints.asgi:create_app_from_env`."""

from __future__ import annotations

import logging
import time

from sqlalchemy import Engine

from rooms.entrypoints.app import RoomsApp, create_app

log = logging.getLogger("rooms.relay")


def create_app_from_env() -> RoomsApp:
    """The app; with ROOMS_AMQP_URL set, also the outbox relay in a thread of this process."""
    app = create_app()
    if app.settings.amqp_url:
        from rooms.adapters.amqp_publisher import AmqpPublisher
        from rooms.adapters.outbox_relay import OutboxRelay, start_in_thread

        engine = app.injector.get(Engine)
        publisher = AmqpPublisher(app.settings.amqp_url, exchange=app.settings.amqp_exchange)
        relay = OutboxRelay(engine, publisher)
        thread, stop = start_in_thread(relay)
        bound = app.settings.limits.shutdown_seconds

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

        app.on_shutdown.append(drain)
    app.on_shutdown.append(app.close)
    return app
