"""`rooms serve --workers 2` with the relay on: each worker runs one, and still each event
goes out once, and a room's events in order (the relays take turns on a lock; see
rooms.adapters.outbox_relay)."""

from __future__ import annotations

import json
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from rooms.adapters.database import make_engine, upgrade
from rooms.adapters.orm import outbox
from rooms_events import decode_event
from tests.conftest import WRITE_HEADERS
from tests.faults.running_service import rooms_serve
from tests.integration.events.test_relay_to_rabbitmq import Queue
from tests.unit.rooms_data import room_body

pytestmark = pytest.mark.integration

WRITERS = 6
ROOMS_PER_WRITER = 4
PATCHES = 5
# A new connection per request, so that the kernel hands requests to both workers.
CLOSE = {"Connection": "close"}
MERGE_PATCH = {**WRITE_HEADERS, **CLOSE, "Content-Type": "application/merge-patch+json"}


@pytest.fixture
def queue(amqp_url: str) -> Iterator[Queue]:
    bound = Queue(amqp_url, f"rooms.events.workers-{uuid.uuid4().hex[:12]}")
    yield bound
    bound.close()


def _write(base_url: str) -> None:
    """Rooms one after another, each created and then changed PATCHES times."""
    with httpx.Client(base_url=base_url, timeout=15) as http:
        for _ in range(ROOMS_PER_WRITER):
            created = http.post("/rooms", json=room_body(), headers={**WRITE_HEADERS, **CLOSE})
            assert created.status_code == 201, created.text
            room_id = created.json()["id"]
            for price in range(1, PATCHES + 1):
                changed = http.patch(
                    f"/rooms/{room_id}", content=json.dumps({"price": price}), headers=MERGE_PATCH
                )
                assert changed.status_code == 200, changed.text


def _workers_of(pid: int) -> list[str]:
    """uvicorn's worker processes: multiprocessing's spawned children (not its resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if not children.exists():  # not Linux: take the workers on trust
        return ["?", "?"]
    return [
        child
        for child in children.read_text().split()
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def test_two_workers_relays_send_each_event_once_and_each_rooms_in_order(
    database_url: str, amqp_url: str, queue: Queue, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    upgrade(engine)  # `rooms serve` migrates SQLite itself, PostgreSQL only via `rooms db`
    env = {"ROOMS_AMQP_URL": amqp_url, "ROOMS_AMQP_EXCHANGE": queue.exchange}
    expected = WRITERS * ROOMS_PER_WRITER * (1 + PATCHES)
    try:
        with rooms_serve(database_url, tmp_path, env, workers=2) as service:
            time.sleep(1)  # the second worker's start, after the socket is already open
            assert len(_workers_of(service.process.pid)) == 2, service.output()
            with ThreadPoolExecutor(WRITERS) as pool:
                for writer in [pool.submit(_write, service.url) for _ in range(WRITERS)]:
                    writer.result()
            deadline = time.monotonic() + 20
            with engine.connect() as connection:
                while connection.scalar(
                    select(func.count()).where(outbox.c.published_at.is_(None))
                ):
                    assert time.monotonic() < deadline, "events left in the outbox"
                    time.sleep(0.2)
                    connection.rollback()  # the next count sees what the relays committed
                assert connection.scalar(select(func.count()).select_from(outbox)) == expected
            messages = queue.take(expected)
            # Nothing crashed, so at-least-once must be exactly once here.
            extra = queue.take(1, timeout=1.5)
    finally:
        engine.dispose()
    ids = [properties.message_id for _, properties, _ in messages + extra]
    assert len(set(ids)) == expected, f"{len(set(ids))} of {expected} events arrived"
    assert len(ids) == len(set(ids)), f"{len(ids) - len(set(ids))} events published twice"
    versions: dict[str, list[int]] = defaultdict(list)
    for _, _, body in messages:
        record = decode_event(body).record
        versions[str(record["room_id"])].append(record["version"])
    assert len(versions) == WRITERS * ROOMS_PER_WRITER
    for room, seen in versions.items():
        assert seen == list(range(1, PATCHES + 2)), f"room {room}'s events out of order: {seen}"
