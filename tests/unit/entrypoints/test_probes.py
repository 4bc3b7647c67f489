"""Readiness: the database, and with a broker configured, an outbox that is not stuck."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from rooms.entrypoints import probe_handlers
from rooms.service_layer.event_encoding import EventEncoder
from tests.conftest import WRITE_HEADERS, open_app
from tests.unit.rooms_data import room_body


def test_a_stuck_outbox_makes_the_service_unready(
    sqlite_url: str, encoder: EventEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(probe_handlers, "MAX_OUTBOX_BACKLOG", 1)
    with open_app(sqlite_url, encoder, amqp_url="amqp://guest:guest@127.0.0.1:1/") as app:
        client = TestClient(app)
        assert client.get("/ready").json()["checks"] == {"database": "ok", "outbox": "ok"}
        for _ in range(2):
            client.post("/rooms", json=room_body(), headers=WRITE_HEADERS)
        response = client.get("/ready")
        assert response.status_code == 503
        assert response.json()["checks"]["outbox"] == "2 events waiting"


def test_without_a_broker_waiting_events_are_the_design(client: TestClient, tmp_path: Path) -> None:
    client.post("/rooms", json=room_body(), headers=WRITE_HEADERS)
    assert client.get("/ready").json() == {"status": "ready", "checks": {"database": "ok"}}
