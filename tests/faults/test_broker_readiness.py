"""/ready with a broker that accepts TCP but never speaks AMQP: 503 naming `broker`, in time."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pika
import pytest

from tests.faults.running_service import RunningService, rooms_serve
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration

# /ready's own bound (readiness.READY_BOUND_SECONDS, 1 s) and scheduling slack.
READY_WITHIN_SECONDS = 1.5


@pytest.fixture
def broker_proxy(amqp_url: str) -> Iterator[TcpProxy]:
    with TcpProxy.in_front_of(amqp_url, 5672) as proxy:
        yield proxy


@pytest.fixture
def exchange(amqp_url: str) -> Iterator[str]:
    """A name of this test's own; the readiness check declares it, the test deletes it."""
    name = f"rooms.events.faults-{uuid.uuid4().hex[:12]}"
    yield name
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as connection:
        connection.channel().exchange_delete(name)


@pytest.fixture
def service(
    amqp_url: str, broker_proxy: TcpProxy, exchange: str, tmp_path: Path
) -> Iterator[RunningService]:
    proxied = broker_proxy.url_for(amqp_url)
    env = {"ROOMS_AMQP_URL": proxied, "ROOMS_AMQP_EXCHANGE": exchange}
    with rooms_serve(f"sqlite:///{tmp_path / 'rooms.sqlite3'}", tmp_path, env) as running:
        yield running


def test_ready_names_the_broker_within_its_bound_when_it_accepts_tcp_but_speaks_no_amqp(
    service: RunningService, broker_proxy: TcpProxy
) -> None:
    with httpx.Client(base_url=service.url, timeout=10) as http:
        ready = http.get("/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["broker"] == "ok"
        broker_proxy.stall()
        try:
            # What a TCP-only check looked at still says yes: the connection is accepted.
            socket.create_connection(("127.0.0.1", broker_proxy.port), timeout=1).close()
            for _ in range(3):
                started = time.monotonic()
                response = http.get("/ready")
                took = time.monotonic() - started
                assert response.status_code == 503, response.text
                checks = response.json()["checks"]
                assert checks["broker"] != "ok", checks
                assert checks["database"] == "ok", checks
                assert took < READY_WITHIN_SECONDS, f"/ready took {took:.2f} s"
        finally:
            broker_proxy.restore()
        # The same process is ready again once the broker answers.
        deadline = time.monotonic() + 10
        while (response := http.get("/ready")).status_code != 200:
            assert time.monotonic() < deadline, f"never ready again: {response.text}"
            time.sleep(0.2)
