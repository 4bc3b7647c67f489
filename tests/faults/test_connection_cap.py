"""The connection cap under slow clients (probes still answer, other requests queue, all bounded)
and the limit of requests in flight."""

from __future__ import annotations

import select
import socket
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import WRITE_HEADERS
from tests.faults.running_service import RunningService, rooms_serve
from tests.unit.rooms_data import room_body

SLOTS = 4
WAITING = 4
QUEUE_SECONDS = 2.0
IN_FLIGHT = 2
LIMITS = {
    "ROOMS_MAX_CONNECTIONS": str(SLOTS),
    "ROOMS_MAX_IN_FLIGHT": str(IN_FLIGHT),
    "ROOMS_MAX_WAITING_CONNECTIONS": str(WAITING),
    "ROOMS_CONNECTION_QUEUE_TIMEOUT": str(QUEUE_SECONDS),
    # Slow clients hold their slots for the whole of a test, not just a second.
    "ROOMS_HEAD_TIMEOUT": "10",
    "ROOMS_KEEP_ALIVE_TIMEOUT": "10",
}
# A probe, or a request given a freed slot, is answered well before the queue's bound (a
# queued probe would get its 503 only then), even on a two-core machine under load.
PROMPT_SECONDS = 1.5


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("capped") / "rooms.sqlite3"


@pytest.fixture(scope="module")
def service(database: Path) -> Iterator[RunningService]:
    with rooms_serve(f"sqlite:///{database}", database.parent, LIMITS) as running:
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


def _send_get(service: RunningService, path: str) -> socket.socket:
    """A GET on a new connection that stays open (kept alive, it keeps any slot it gets)."""
    sock = socket.create_connection(("127.0.0.1", service.port), timeout=5)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return sock


def _answered_within(sock: socket.socket, seconds: float) -> bool:
    return bool(select.select([sock], [], [], seconds)[0])


def _status(sock: socket.socket) -> int:
    return int(sock.recv(65536).split(b" ", 2)[1])


def test_a_request_past_the_cap_queues_and_is_served_in_order_as_slots_free(
    service: RunningService, slow_clients: list[socket.socket]
) -> None:
    with _send_get(service, "/rooms") as first:
        time.sleep(0.2)
        with _send_get(service, "/rooms") as second:
            assert not _answered_within(first, 0.2), "a request past the cap was not queued"
            slow_clients.pop(0).close()
            assert _answered_within(first, PROMPT_SECONDS), "not served when a slot was freed"
            assert _status(first) == 200
            # First come, first served: the one slot went to the older request (which keeps it).
            assert not _answered_within(second, 0.3), "the later request took the freed slot"
            slow_clients.pop(0).close()
            assert _answered_within(second, PROMPT_SECONDS), "not served when a slot was freed"
            assert _status(second) == 200


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
    # Not refused at once, not held past the bound (plus a busy machine's scheduling slack).
    assert QUEUE_SECONDS - 0.1 <= waited < QUEUE_SECONDS + 3, f"{waited:.2f} s"


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


def test_upgrade_requests_give_their_slots_back(service: RunningService) -> None:
    """The service speaks no WebSocket: an upgrade request is answered as plain HTTP, and
    its connection's slot is freed when it closes (a protocol switch would keep it)."""
    for _ in range(SLOTS + 1):
        with socket.create_connection(("127.0.0.1", service.port), timeout=5) as sock:
            sock.sendall(
                b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                b"Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
            )
            assert _answered_within(sock, PROMPT_SECONDS)
    time.sleep(0.3)  # the server has seen them go
    started = time.monotonic()
    response, answered = _get(service, "/rooms")
    assert response.status_code == 200, response.text
    assert answered - started < PROMPT_SECONDS


def test_requests_past_the_in_flight_limit_get_a_503_at_once_and_probes_still_answer(
    service: RunningService, database: Path
) -> None:
    blocker = sqlite3.connect(database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock: writes wait
    try:
        with ThreadPoolExecutor(IN_FLIGHT) as pool:
            writes = [
                pool.submit(
                    httpx.post,
                    f"{service.url}/rooms",
                    json=room_body(),
                    headers=WRITE_HEADERS,
                    timeout=10,
                )
                for _ in range(IN_FLIGHT)
            ]
            time.sleep(0.5)
            assert not any(write.done() for write in writes), "the writes did not wait"
            started = time.monotonic()
            refused = httpx.get(f"{service.url}/rooms", timeout=10)
            assert time.monotonic() - started < PROMPT_SECONDS
            assert refused.status_code == 503, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.headers["retry-after"] == "1"
            assert "in flight" in refused.json()["detail"]
            assert httpx.get(f"{service.url}/ready", timeout=10).status_code == 200
            blocker.execute("ROLLBACK")
            assert [write.result(timeout=10).status_code for write in writes] == [201] * IN_FLIGHT
    finally:
        blocker.close()
