"""Fixtures of the events tests: RabbitMQ, a broker that must be there, an exchange of each test's own,
and a queue that collects what the mock publishes, with a bounded wait."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

AMQP_URL = os.environ.get("ROOMS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
WAIT_SECONDS = 10.0

try:
    # `nox -s mock` puts the repository on PYTHONPATH: every message these tests receive joins
    # its contract coverage report. The mock's own sdist tests run without it: nothing recorded.
    from tests.contract_coverage.recorder import record_event, suite_name
except ImportError:
    record_event = None


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5672), 1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def amqp_url() -> str:
    """Skip with a reason when RabbitMQ is absent; under CI=true its absence fails."""
    if not _reachable(AMQP_URL):
        message = f"RabbitMQ is not reachable at {AMQP_URL}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI=true: integration tests must run, .ci/run starts it)")
        pytest.skip(f"{message}; start it to run this test")
    return AMQP_URL


@dataclass
class Received:
    routing_key: str
    exchange: str
    properties: Any
    body: bytes


class Listener:
    """A queue bound to every key of the test's exchange; `take(n)` waits a bounded time."""

    def __init__(self, url: str, exchange: str) -> None:
        import pika

        self.exchange = exchange
        self._connection = pika.BlockingConnection(pika.URLParameters(url))
        self._channel = self._connection.channel()
        # Declared as the publisher declares it (durable topic), so both agree.
        self._channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        self.queue = self._channel.queue_declare("", exclusive=True).method.queue
        self._channel.queue_bind(self.queue, exchange, routing_key="#")

    def take(self, count: int, wait: float = WAIT_SECONDS) -> list[Received]:
        found: list[Received] = []
        deadline = time.monotonic() + wait
        while len(found) < count and time.monotonic() < deadline:
            method, properties, body = self._channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                time.sleep(0.02)
                continue
            found.append(Received(method.routing_key, method.exchange, properties, body))
            if record_event is not None and properties.type:
                record_event(suite_name("mock-events"), message=properties.type, body=body)
        return found

    def nothing_more(self, wait: float = 0.5) -> list[Received]:
        return self.take(1, wait)

    def close(self) -> None:
        try:
            self._channel.exchange_delete(self.exchange)
        finally:
            self._connection.close()


@pytest.fixture
def listener(amqp_url: str) -> Iterator[Listener]:
    found = Listener(amqp_url, f"rooms-mock-test-{uuid.uuid4().hex[:12]}")
    try:
        yield found
    finally:
        found.close()
