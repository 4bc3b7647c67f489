"""Hostile and slow clients against a real `rooms serve`: every input bounded, every answer documented."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import WRITE_HEADERS
from tests.faults.running_service import RunningService, rooms_serve
from tests.unit.rooms_data import room_body

LIMITS = {
    "ROOMS_HEAD_TIMEOUT": "1",
    "ROOMS_BODY_TIMEOUT": "1",
    "ROOMS_KEEP_ALIVE_TIMEOUT": "1",
    "ROOMS_MAX_CONNECTIONS": "40",
    "ROOMS_MAX_HEAD_BYTES": "8192",
    "ROOMS_MAX_HEADERS": "50",
    "ROOMS_MAX_JSON_DEPTH": "32",
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    folder: Path = tmp_path_factory.mktemp("hostile")
    with rooms_serve(f"sqlite:///{folder / 'rooms.sqlite3'}", folder, LIMITS) as running:
        yield running


def _connect(service: RunningService) -> socket.socket:
    return socket.create_connection(("127.0.0.1", service.port), timeout=5)


def _read_until_closed(sock: socket.socket, within: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and after how long; fails past `within`."""
    started = time.monotonic()
    sock.settimeout(within)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        pytest.fail(f"the server still held the connection after {within} s: {received[:200]!r}")
    except ConnectionResetError:
        pass
    return received, time.monotonic() - started


def _status_and_problem(raw: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    assert headers["content-type"] == "application/problem+json", head
    return int(lines[0].split()[1]), json.loads(body)


@pytest.mark.parametrize("shape", ["[", '{"a":'])
def test_json_nested_past_the_limit_is_a_400_problem_at_any_depth(
    service: RunningService, shape: str
) -> None:
    with httpx.Client(base_url=service.url, timeout=10) as http:
        for depth in (33, 300, 5000, 60000 // len(shape)):
            body = shape * depth
            response = http.post(
                "/rooms",
                content=body,
                headers={**WRITE_HEADERS, "Content-Type": "application/json"},
            )
            assert response.status_code == 400, (depth, response.text[:200])
            assert response.json()["violations"][0]["rule"] == "maxDepth"
        # Within the limit the body reaches the contract's own checks, and a room is made.
        response = http.post("/rooms", json=room_body(), headers=WRITE_HEADERS)
        assert response.status_code == 201


def test_an_oversized_head_is_a_431_problem_and_is_not_read_to_the_end(
    service: RunningService,
) -> None:
    with _connect(service) as sock:
        sock.sendall(b"GET /rooms HTTP/1.1\r\nHost: x\r\n")
        try:
            for _ in range(2000):  # 20 MB of header lines, if the server kept reading
                sock.sendall(b"X-Filler: " + b"a" * 10_000 + b"\r\n")
        except OSError:
            pass  # the server closed the connection: it stopped reading, as it should
        raw, _ = _read_until_closed(sock, 5)
    status, body = _status_and_problem(raw)
    assert status == 431
    assert body["status"] == 431


def test_too_many_headers_is_a_431_problem(service: RunningService) -> None:
    headers = {f"X-Many-{n}": "1" for n in range(60)}
    response = httpx.get(f"{service.url}/rooms", headers=headers, timeout=10)
    assert response.status_code == 431
    assert response.headers["content-type"] == "application/problem+json"


def test_half_a_head_is_answered_408_and_closed_after_the_head_timeout(
    service: RunningService,
) -> None:
    with _connect(service) as sock:
        sock.sendall(b"GET /rooms HTTP/1.1\r\nHost: x\r\n")
        raw, waited = _read_until_closed(sock, 5)
    status, _ = _status_and_problem(raw)
    assert status == 408
    assert 0.8 <= waited <= 3


def test_a_trickled_head_does_not_extend_the_deadline(service: RunningService) -> None:
    with _connect(service) as sock:
        started = time.monotonic()
        try:
            for byte in b"GET /rooms HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaa":
                sock.sendall(bytes([byte]))
                time.sleep(0.1)
        except OSError:
            pass
        raw, _ = _read_until_closed(sock, 5)
    assert raw.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 4


def test_a_trickled_body_is_answered_408_after_the_body_timeout(service: RunningService) -> None:
    body = json.dumps(room_body()).encode()
    with _connect(service) as sock:
        sock.sendall(
            b"POST /rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"X-API-Key: {WRITE_HEADERS['X-API-Key']}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body[:10]
        )
        started = time.monotonic()
        try:
            for byte in body[10:40]:
                time.sleep(0.1)
                sock.sendall(bytes([byte]))
        except OSError:
            pass
        raw, _ = _read_until_closed(sock, 5)
    status, _ = _status_and_problem(raw)
    assert status == 408
    assert time.monotonic() - started < 4


def test_an_idle_connection_is_closed_and_the_next_one_still_served(
    service: RunningService,
) -> None:
    with _connect(service) as idle:
        raw, waited = _read_until_closed(idle, 5)
    assert raw == b""  # nothing was asked, so nothing is answered
    assert waited <= 3
    assert httpx.get(f"{service.url}/health", timeout=5).status_code == 200


def test_an_idle_kept_alive_connection_is_closed_after_the_keep_alive_timeout(
    service: RunningService,
) -> None:
    with _connect(service) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        raw, waited = _read_until_closed(sock, 5)
    assert raw.startswith(b"HTTP/1.1 200"), raw[:100]  # answered, kept alive, then closed
    assert 0.8 <= waited <= 3, f"closed after {waited:.1f} s"


@pytest.mark.parametrize("request_line", [b"NOT HTTP AT ALL", b"GET /rooms HTTP/1.1\r\nHost"])
def test_a_malformed_request_is_a_400_problem(service: RunningService, request_line: bytes) -> None:
    with _connect(service) as sock:
        sock.sendall(request_line + b"\r\n\r\n")
        raw, _ = _read_until_closed(sock, 5)
    status, problem = _status_and_problem(raw)
    assert status == 400
    assert problem["status"] == 400


def test_a_large_body_in_the_same_packet_as_its_head_is_not_taken_for_a_large_head(
    service: RunningService,
) -> None:
    body = json.dumps({"padding": "x" * 20_000}).encode()  # well over the head limit
    with _connect(service) as sock:
        sock.sendall(
            b"POST /rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"X-API-Key: {WRITE_HEADERS['X-API-Key']}\r\nConnection: close\r\n".encode()
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        raw, _ = _read_until_closed(sock, 5)
    status, problem = _status_and_problem(raw)
    assert status == 400, problem  # the contract's answer to a body that is not a room
    assert problem["type"] == "https://rooms.example/problems/validation"
