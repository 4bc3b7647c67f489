"""A database that does not answer in time is a documented 503 that changed nothing."""

from __future__ import annotations

import sqlite3
import time

from starlette.testclient import TestClient

from rooms.config import DatabaseTimeouts
from rooms.service_layer.event_encoding import EventEncoder
from tests.conftest import WRITE_HEADERS, open_app
from tests.unit.rooms_data import room_body

SHORT = DatabaseTimeouts(statement_seconds=0.5, pool_seconds=0.5, retry_after_seconds=7)


def test_a_write_that_waits_past_the_lock_timeout_is_a_503_and_keeps_nothing(
    sqlite_url: str, encoder: EventEncoder
) -> None:
    with open_app(sqlite_url, encoder, db_timeouts=SHORT) as app, TestClient(app) as client:
        blocker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        try:
            started = time.monotonic()
            response = client.post("/rooms", json=room_body(), headers=WRITE_HEADERS)
            elapsed = time.monotonic() - started
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "7"
        assert response.json()["type"] == "https://rooms.example/problems/unavailable"
        assert response.json()["request_id"] == response.headers["x-request-id"]
        assert elapsed < 0.5 + 1.5, f"answered after {elapsed:.1f}s"
        # Nothing half-written, and the service recovers without a restart.
        assert client.get("/rooms").json()["items"] == []
        assert client.post("/rooms", json=room_body(), headers=WRITE_HEADERS).status_code == 201
        with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as check:
            assert check.execute("SELECT count(*) FROM outbox").fetchone() == (1,)
