"""SIGTERM under writes: in-flight requests finish, every 201 is stored and its event sent, exit 0."""

from __future__ import annotations

import signal
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import WRITE_HEADERS
from tests.faults.running_service import rooms_serve
from tests.integration.events.test_relay_to_rabbitmq import Queue
from tests.unit.rooms_data import room_body

pytestmark = pytest.mark.integration


@pytest.fixture
def queue(amqp_url: str) -> Iterator[Queue]:
    bound = Queue(amqp_url, f"rooms.events.faults-{uuid.uuid4().hex[:12]}")
    yield bound
    bound.close()


def test_sigterm_loses_no_accepted_write_and_leaves_no_confirmed_event_unsent(
    amqp_url: str, queue: Queue, tmp_path: Path
) -> None:
    database = tmp_path / "rooms.sqlite3"
    env = {
        "ROOMS_AMQP_URL": amqp_url,
        "ROOMS_AMQP_EXCHANGE": queue.exchange,
        "ROOMS_SHUTDOWN_TIMEOUT": "5",
    }
    created: list[str] = []  # room ids answered 201
    refused: list[str] = []  # urls of requests that got no answer (never accepted)
    stop = threading.Event()

    def write(base_url: str) -> None:
        with httpx.Client(base_url=base_url, timeout=15) as http:
            while not stop.is_set():
                url = f"https://flats.example/listing/{uuid.uuid4().hex}"
                try:
                    response = http.post("/rooms", json=room_body(url=url), headers=WRITE_HEADERS)
                except httpx.TransportError:
                    refused.append(url)
                    time.sleep(0.05)
                    continue
                assert response.status_code == 201, response.text
                created.append(response.json()["id"])

    with rooms_serve(f"sqlite:///{database}", tmp_path, env) as service:
        with ThreadPoolExecutor(4) as pool:
            writers = [pool.submit(write, service.url) for _ in range(4)]
            time.sleep(1.5)
            stopped_at = time.monotonic()
            service.process.send_signal(signal.SIGTERM)
            exit_code = service.process.wait(timeout=15)
            stopped_after = time.monotonic() - stopped_at
            time.sleep(0.2)
            stop.set()
            for writer in writers:
                writer.result()
        output = service.output()
    assert exit_code == 0, output
    assert stopped_after < 5 + 2, f"took {stopped_after:.1f} s to stop"
    assert len(created) > 5, "too few writes before the stop to show anything"
    with sqlite3.connect(database) as db:
        stored = {uuid.UUID(str(row[0])).hex for row in db.execute("SELECT id FROM rooms")}
        unsent = db.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()
        stored_urls = {row[0] for row in db.execute("SELECT url FROM rooms")}
    assert {uuid.UUID(room_id).hex for room_id in created} <= stored, "a 201 whose room was lost"
    assert unsent == (0,), "events committed before the stop were left in the outbox"
    assert not set(refused) & stored_urls, "a request without an answer left a room"
    sent = {message[1].message_id for message in queue.take(len(created), timeout=10)}
    assert len(sent) >= len(created), (
        f"{len(created)} rooms created, {len(sent)} events on the broker"
    )
