"""`rooms-mock` as consumers run it: the announcement, latency, CORS, reset, limits and reload."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import API_KEY, NEW_ROOM, ROOM_ID, SPEC, run_mock
from rooms_mock.asgi import Latency, MockApp
from rooms_mock.engine import MockEngine


def test_announces_address_and_every_operation() -> None:
    with run_mock("--stateful") as mock:
        time.sleep(0.2)  # the operations follow the first line
        output = mock.output()
        for line in (
            "GET     /rooms  listRooms",
            "POST    /rooms  createRoom",
            "GET     /rooms/{roomId}  getRoom",
            "PATCH   /rooms/{roomId}  updateRoom",
            "DELETE  /rooms/{roomId}  deleteRoom",
            "GET     /health  health",
            "GET     /ready  ready",
        ):
            assert line in output
        assert "stateful" in output.splitlines()[0]
        # Stateful: the example's room was never created here.
        assert httpx.get(f"{mock.url}/rooms/{ROOM_ID}").status_code == 404


def test_serves_over_http_with_validation_and_state() -> None:
    with (
        run_mock("--stateful", "--api-key", API_KEY) as mock,
        httpx.Client(base_url=mock.url) as http,
    ):
        refused = http.post("/rooms", json=NEW_ROOM, headers={"X-API-Key": "nope"})
        assert refused.status_code == 401
        created = http.post("/rooms", json=NEW_ROOM, headers={"X-API-Key": API_KEY})
        assert created.status_code == 201
        location = created.headers["location"]
        assert http.get(location).json() == created.json()
        assert http.post("/__mock__/reset").status_code == 204
        assert http.get(location).status_code == 404


def test_latency_delays_every_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The delay is asserted as asked of the event loop, not timed: no flaky clocks."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("rooms_mock.asgi.asyncio.sleep", sleep)
    app = MockApp(MockEngine.from_path(SPEC), latency=Latency.parse("300"))
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    scope = {"type": "http", "method": "GET", "path": "/health", "query_string": b"", "headers": []}
    asyncio.run(app(scope, receive, send))
    assert slept == [0.3]
    assert sent[0]["status"] == 200


@pytest.mark.parametrize(
    ("text", "low", "high"), [("250", 250, 250), ("20-200", 20, 200), ("0", 0, 0)]
)
def test_latency_is_fixed_or_a_range(text: str, low: float, high: float) -> None:
    latency = Latency.parse(text)
    assert (latency.low_ms, latency.high_ms) == (low, high)
    assert all(low / 1000 <= latency.draw() <= high / 1000 for _ in range(50))


@pytest.mark.parametrize("text", ["-1", "200-20", "soon"])
def test_latency_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match=r"latency|convert"):
        Latency.parse(text)


def test_cors_for_browsers() -> None:
    origin = {"Origin": "http://localhost:3000"}
    with run_mock("--cors") as mock, httpx.Client(base_url=mock.url) as http:
        preflight = http.options(
            "/rooms",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, x-api-key",
            },
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "http://localhost:3000"
        assert preflight.headers["access-control-allow-methods"] == "GET, POST"
        assert preflight.headers["access-control-allow-headers"] == "content-type, x-api-key"
        created = http.post("/rooms", json=NEW_ROOM, headers={**origin, "X-API-Key": "k"})
        assert created.headers["access-control-allow-origin"] == "http://localhost:3000"
        exposed = created.headers["access-control-expose-headers"]
        assert "Location" in exposed
        assert "ETag" in exposed


def test_without_cors_a_preflight_is_not_answered_as_one() -> None:
    with run_mock() as mock:
        preflight = httpx.options(
            f"{mock.url}/rooms",
            headers={"Origin": "http://x", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 405
        assert "access-control-allow-origin" not in preflight.headers


def test_oversized_body_is_the_documented_413() -> None:
    with run_mock("--max-body-bytes", "1000") as mock:
        response = httpx.post(
            f"{mock.url}/rooms",
            content=b'{"name": "' + b"x" * 2000 + b'"}',
            headers={"Content-Type": "application/json", "X-API-Key": "k"},
        )
        assert response.status_code == 413
        assert response.json()["type"] == "https://rooms.example/problems/payload-too-large"


def test_reloads_when_the_spec_changes(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    with run_mock(spec=spec) as mock:
        assert httpx.get(f"{mock.url}/health").json() == {"status": "ok"}
        changed = spec.read_text(encoding="utf-8").replace("  /health:", "  /healthz:")
        spec.write_text(changed, encoding="utf-8")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if httpx.get(f"{mock.url}/healthz").status_code == 200:
                break
            time.sleep(0.1)
        assert httpx.get(f"{mock.url}/healthz").status_code == 200
        assert httpx.get(f"{mock.url}/health").status_code == 404
        assert "changed; reloaded" in mock.output()
        assert "GET     /healthz  health" in mock.output()

        spec.write_text("openapi: [broken", encoding="utf-8")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and "cannot be served" not in mock.output():
            time.sleep(0.1)
        assert "still serving the previous version" in mock.output()
        assert httpx.get(f"{mock.url}/healthz").status_code == 200


def test_a_spec_that_is_not_openapi_is_refused_with_a_reason(tmp_path: Path) -> None:
    import subprocess
    import sys

    spec = tmp_path / "nope.yaml"
    spec.write_text("asyncapi: '3.0.0'\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "rooms_mock.cli", str(spec)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "not an OpenAPI 3 document" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_mock_needs_none_of_the_services_dependencies() -> None:
    """Consumers install rooms-mock alone: no database, broker, Avro or connexion import."""
    import subprocess
    import sys

    code = (
        "import sys, rooms_mock.cli, rooms_mock.asgi, rooms_mock.requests_adapter, "
        "rooms_mock.pytest_plugin, rooms_mock.state\n"
        "heavy = ('rooms', 'sqlalchemy', 'pika', 'fastavro', 'connexion', 'flask', 'psycopg')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_write_listeners_survive_a_reload(tmp_path: Path) -> None:
    from rooms_mock.engine import MockOptions

    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    heard: list[Any] = []
    engine = MockEngine.from_path(spec, MockOptions(stateful=True), on_write=heard.append)
    app = MockApp(engine, watch=spec, poll_seconds=0.05)

    async def reload() -> MockEngine:
        watcher = asyncio.create_task(app._watch_spec(spec))
        await asyncio.sleep(0.1)
        spec.write_text(spec.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        for _ in range(200):
            if app.engine is not engine:
                break
            await asyncio.sleep(0.05)
        watcher.cancel()
        return app.engine

    reloaded = asyncio.run(reload())
    assert reloaded is not engine
    assert reloaded.state.listeners == [heard.append]
