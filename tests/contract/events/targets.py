"""Providers whose events the suite can watch: the app in-process with its relay, or any URL."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from injector import Module
from sqlalchemy import Engine
from starlette.testclient import TestClient

from rooms.adapters.avro import AvroEventEncoder
from rooms.adapters.outbox_relay import OutboxRelay, Publisher, start_in_thread
from rooms.bootstrap import bootstrap
from rooms.entrypoints.app import create_app
from rooms.entrypoints.asgi import start_relay
from tests.conftest import make_settings
from tests.contract.events.codec import SchemaStore
from tests.contract.events.event_tap import delete_exchange
from tests.unit.rooms_data import room_body

# The relay's pause when the outbox is empty: short, so a run's events follow its writes.
RELAY_IDLE_SECONDS = 0.02


@dataclass(frozen=True)
class EventTarget:
    http: httpx.Client
    amqp_url: str
    exchange: str


def run_exchange(contract_exchange: str) -> str:
    """An exchange for one run: parallel runs on one broker never see each other's events."""
    return f"{contract_exchange}.contract-{uuid.uuid4().hex[:12]}"


@contextmanager
def in_process(
    database_url: str,
    store: SchemaStore,
    amqp_url: str,
    exchange: str,
    *,
    publisher: Callable[[str, str], Publisher] | None = None,
    overrides: tuple[Module, ...] = (),
) -> Iterator[EventTarget]:
    """The app with its relay on the real broker; `publisher`/`overrides` break it on purpose.

    `publisher(amqp_url, exchange)` replaces the relay's publisher; by default the relay
    starts exactly as `rooms serve` starts it.
    """
    settings = make_settings(database_url, amqp_url=amqp_url, amqp_exchange=exchange)
    injector = bootstrap(settings, encoder=AvroEventEncoder(store), overrides=overrides)
    app = create_app(settings, injector=injector)
    if publisher is None:
        thread, stop = start_relay(app, idle_seconds=RELAY_IDLE_SECONDS)
    else:
        relay = OutboxRelay(
            app.injector.get(Engine), publisher(amqp_url, exchange), idle_seconds=RELAY_IDLE_SECONDS
        )
        thread, stop = start_in_thread(relay)
    try:
        with TestClient(app) as http:
            yield EventTarget(http, amqp_url, exchange)
    finally:
        stop.set()
        thread.join(timeout=10)
        app.close()
        # The run's own exchange goes once nothing can publish to (and so re-declare) it.
        delete_exchange(amqp_url, exchange)


def flusher(http: httpx.Client, api_key: str) -> Callable[[], None]:
    """One more successful write pair (create, delete): its events close a refused write's gap."""
    provider = f"flush-{uuid.uuid4().hex[:12]}"

    def flush() -> None:
        headers = {"X-API-Key": api_key}
        url = f"https://flush.example/{uuid.uuid4().hex}"
        created = http.post("/rooms", json=room_body(provider=provider, url=url), headers=headers)
        assert created.status_code == 201, created.text
        deleted = http.delete(f"/rooms/{created.json()['id']}", headers=headers)
        assert deleted.status_code == 204, deleted.text

    return flush
