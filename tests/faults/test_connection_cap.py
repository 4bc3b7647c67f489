"""The connection cap under slow clients: probes still answer, other requests queue, all bounded."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.faults.running_service import RunningService, rooms_serve

SLOTS = 4
WAITING = 4
QUEUE_SECONDS = 1.5
LIMITS = {
    "ROOMS_MAX_CONNECTIONS": str(SLOTS),
    "ROOMS_MAX_WAITING_CONNECTIONS": str(WAITING),
    "ROOMS_CONNECTION_QUEUE_TIMEOUT": str(QUEUE_SECONDS),
    # Slow clients hold their slots for the whole of a test, not just a second.
    "ROOMS_HEAD_TIMEOUT": "10",
    "ROOMS_KEEP_ALIVE_TIMEOUT": "10",
}
# A probe or a freed slot's request is answered well before the queue's bound would.
PROMPT_SECONDS = 1.0


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    folder: Path = tmp_path_factory.mktemp("capped")
    with rooms_serve(f"sqlite:///{folder / 'rooms.sqlite3'}", folder, LIMITS) as running:
        yield running


def _slow_client(service: RunningService) -> socket.socket:
    """A client that sends half a request head and then nothing: it holds its connection."""
    sock = socket.create_connection(("127.0.0.1", service.port), timeout=5)
    sock.sendall(b"GET /rooms HTTP/1.1\r\nHost: x\r\n")
    return sock


@pytest.fixture
def slow_clients(service: RunningService) -> Iterator[list[socket.socket]]:
    """Every slot held by a slow client (closing one frees a slot)."""
    held = [_slow_client(service) for _ in range(SLOTS)]
    time.sleep(0.2)  # the server has taken them all in
    try:
        yield held
    finally:
        for sock in held:
            sock.close()
        time.sleep(0.3)  # the server has seen them go: the next test starts with free slots


def _get(service: RunningService, path: str) -> tuple[httpx.Response, float]:
    """GET on a new connection: the answer and when it arrived (monotonic)."""
    response = httpx.get(f"{service.url}{path}", timeout=10)
    return response, time.monotonic()


def test_probes_answer_promptly_while_slow_clients_hold_every_slot(
    service: RunningService, slow_clients: list[socket.socket]
) -> None:
    for path in ("/health", "/ready", "/health"):
        started = time.monotonic()
        response, answered = _get(service, path)
        assert response.status_code == 200, (path, response.text)
        assert answered - started < PROMPT_SECONDS, f"{path} took {answered - started:.2f} s"


def test_a_request_past_the_cap_queues_and_is_served_in_order_as_slots_free(
    service: RunningService, slow_clients: list[socket.socket]
) -> None:
    with ThreadPoolExecutor(2) as pool:
        first: Future[tuple[httpx.Response, float]] = pool.submit(_get, service, "/rooms")
        time.sleep(0.2)
        second: Future[tuple[httpx.Response, float]] = pool.submit(_get, service, "/rooms")
        time.sleep(0.3)
        assert not first.done(), "a request past the cap was not held for a slot"
        slow_clients.pop(0).close()
        freed = time.monotonic()
        response, answered = first.result(timeout=5)
        assert response.status_code == 200, response.text
        assert answered - freed < PROMPT_SECONDS
        # First come, first served: the one slot went to the older request.
        assert not second.done(), "the later request took the slot, or was not queued"
        slow_clients.pop(0).close()
        response, _ = second.result(timeout=5)
        assert response.status_code == 200, response.text


def test_a_request_that_waits_past_the_queue_bound_gets_a_503_problem_and_is_closed(
    service: RunningService, slow_clients: list[socket.socket]
) -> None:
    started = time.monotonic()
    response, answered = _get(service, "/rooms")
    waited = answered - started
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert response.headers["connection"] == "close"
    assert response.json()["type"] == "https://rooms.example/problems/unavailable"
    assert QUEUE_SECONDS - 0.1 <= waited < QUEUE_SECONDS + PROMPT_SECONDS, f"{waited:.2f} s"


def test_connections_past_the_cap_and_its_queue_are_closed_at_once_and_freed_ones_serve(
    service: RunningService, slow_clients: list[socket.socket]
) -> None:
    waiting = [_slow_client(service) for _ in range(WAITING)]
    try:
        time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", service.port), timeout=5) as extra:
            started = time.monotonic()
            extra.settimeout(2)
            try:
                received = extra.recv(100)
            except ConnectionResetError:
                received = b""
            except TimeoutError:
                pytest.fail("a connection past the cap and its queue was held")
        assert received == b""
        assert time.monotonic() - started < 1, "a connection past the cap and its queue was held"
    finally:
        for sock in waiting:
            sock.close()
    for sock in slow_clients:
        sock.close()
    deadline = time.monotonic() + 5
    while True:
        try:
            assert httpx.get(f"{service.url}/rooms", timeout=2).status_code == 200
            break
        except (httpx.TransportError, AssertionError):
            assert time.monotonic() < deadline
            time.sleep(0.1)
