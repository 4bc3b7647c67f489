"""Readiness: the database, and with a broker configured, the broker and an outbox that is not stuck."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from rooms.adapters import broker_probe, readiness
from rooms.entrypoints.app import RoomsApp
from rooms.service_layer.event_encoding import EventEncoder
from tests.conftest import WRITE_HEADERS, open_app
from tests.unit.rooms_data import room_body


@pytest.fixture
def broker_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The broker's handshake stands answered: these tests are about the outbox.
    (The handshake itself is proved against RabbitMQ in tests/faults/test_broker_readiness.)"""
    monkeypatch.setattr(broker_probe, "amqp_handshake", lambda *_: "ok")


@pytest.mark.usefixtures("broker_answers")
def test_a_stuck_outbox_makes_the_service_unready(
    sqlite_url: str, encoder: EventEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readiness, "MAX_OUTBOX_BACKLOG", 1)
    amqp = "amqp://guest:guest@127.0.0.1:5672/"
    with open_app(sqlite_url, encoder, amqp_url=amqp) as app:
        client = TestClient(app)
        assert client.get("/ready").json()["checks"] == {
            "database": "ok",
            "outbox": "ok",
            "broker": "ok",
        }
        for _ in range(2):
            client.post("/rooms", json=room_body(), headers=WRITE_HEADERS)
        response = client.get("/ready")
        assert response.status_code == 503
        assert response.json()["checks"]["outbox"] == "2 events waiting"


def test_an_unreachable_broker_makes_the_service_unready(
    sqlite_url: str, encoder: EventEncoder
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]  # closed when the block ends: nothing listens there
    with open_app(sqlite_url, encoder, amqp_url=f"amqp://guest:guest@127.0.0.1:{port}/") as app:
        response = TestClient(app).get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    broker = response.json()["checks"]["broker"]
    assert broker.startswith("no AMQP handshake"), broker


def test_without_a_broker_waiting_events_are_the_design(client: TestClient, tmp_path: Path) -> None:
    client.post("/rooms", json=room_body(), headers=WRITE_HEADERS)
    assert client.get("/ready").json() == {"status": "ready", "checks": {"database": "ok"}}


def test_a_database_that_hangs_is_reported_within_the_bound_without_piling_up_checks(
    app: RoomsApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    started: list[float] = []

    def hanging(self: readiness.ReadinessChecks) -> dict[str, str]:
        started.append(time.monotonic())
        release.wait(10)
        return {"database": "ok"}

    monkeypatch.setattr(readiness.ReadinessChecks, "_database", hanging)
    client = TestClient(app)
    try:
        for _ in range(3):
            begun = time.monotonic()
            response = client.get("/ready")
            assert time.monotonic() - begun < readiness.READY_BOUND_SECONDS + 0.5
            assert response.status_code == 503
            assert response.json()["checks"] == {"database": "no answer within 1 s"}
        assert len(started) == 1, "a probe started a second check while one still hung"
    finally:
        release.set()


def test_health_never_touches_the_database(app: RoomsApp, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("/health touched the database")

    monkeypatch.setattr(readiness.ReadinessChecks, "_database", refuse)
    monkeypatch.setattr("sqlalchemy.engine.Engine.connect", refuse)
    assert TestClient(app).get("/health").json() == {"status": "ok"}
