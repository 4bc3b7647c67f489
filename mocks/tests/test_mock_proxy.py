"""`rooms-mock proxy SPEC UPSTREAM`: every request and response checked, violations reported,
`--errors` refusing them, an unreachable or slow upstream a 502 or 504 problem."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx
from broken_mocks import drops_a_required_member

from conftest import API_KEY, NEW_ROOM, ROOM_ID, SPEC, run_mock
from rooms_mock.asgi import MockApp
from rooms_mock.engine import MockEngine, MockOptions
from rooms_mock.proxy import ProxyApp

KEY = {"X-API-Key": API_KEY}


def _through(
    upstream: Any,
    *requests: tuple[str, str, dict[str, Any]],
    errors: bool = False,
    timeout: float = 5.0,
) -> tuple[list[httpx.Response], ProxyApp]:
    async def run() -> list[httpx.Response]:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=upstream), timeout=timeout)
        proxy = ProxyApp(engine, "http://upstream", errors=errors, client=client)
        apps.append(proxy)
        transport = httpx.ASGITransport(app=proxy)
        async with httpx.AsyncClient(transport=transport, base_url="http://proxy") as http:
            return [await http.request(method, url, **kw) for method, url, kw in requests]

    engine = MockEngine.from_path(SPEC)
    apps: list[ProxyApp] = []
    return asyncio.run(run()), apps[0]


def _mock_upstream() -> MockApp:
    return MockApp(MockEngine.from_path(SPEC, MockOptions(stateful=True)))


def test_traffic_that_keeps_the_contract_passes_untouched() -> None:
    (created, read, listed), proxy = _through(
        _mock_upstream(),
        ("POST", "/rooms", {"json": NEW_ROOM, "headers": KEY}),
        ("GET", "/rooms", {}),
        ("GET", f"/rooms/{ROOM_ID}", {}),
    )
    assert (created.status_code, read.status_code, listed.status_code) == (201, 200, 404)
    assert created.json()["name"] == NEW_ROOM["name"]
    assert all("x-mock-violations" not in r.headers for r in (created, read, listed))
    assert [entry.response.violations for entry in proxy.journal.entries] == [(), (), ()]


def test_a_response_that_breaks_the_contract_is_reported() -> None:
    [answer], proxy = _through(drops_a_required_member(), ("GET", f"/rooms/{ROOM_ID}", {}))
    assert answer.status_code == 200  # passed on, as the upstream sent it
    assert "response body: required" in answer.headers["x-mock-violations"]
    [violation] = proxy.journal.entries[0].response.violations
    assert (violation.where, violation.location, violation.rule) == ("response", "body", "required")
    assert '"id" is a required property' in violation.message


def test_errors_turns_a_response_violation_into_a_502_naming_it() -> None:
    [answer], _ = _through(drops_a_required_member(), ("GET", f"/rooms/{ROOM_ID}", {}), errors=True)
    assert answer.status_code == 502
    problem = answer.json()
    assert "(getRoom) with 200, which breaks 1 rule of the contract" in problem["detail"]
    assert problem["violations"][0]["rule"] == "required"


def test_a_request_violation_is_forwarded_and_reported_or_refused_with_errors() -> None:
    upstream = _mock_upstream()
    [forwarded], _ = _through(upstream, ("GET", "/rooms", {"params": {"limit": 0}}))
    assert forwarded.status_code == 400  # the upstream's own answer
    assert forwarded.headers["x-mock-violations"] == "query limit: minimum"
    assert len(upstream.journal.entries) == 1
    [refused], _ = _through(upstream, ("GET", "/rooms", {"params": {"limit": 0}}), errors=True)
    assert refused.status_code == 400
    assert refused.json()["violations"][0]["location"] == "limit"
    assert len(upstream.journal.entries) == 1  # refused by the proxy, not forwarded


def _answering(status: int, media_type: bytes, body: bytes) -> Any:
    async def app(scope: Any, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            return
        headers = [(b"content-type", media_type)]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def test_an_undocumented_media_type_is_a_violation() -> None:
    [answer], _ = _through(_answering(200, b"text/plain", b"fine"), ("GET", "/health", {}))
    assert answer.status_code == 200
    assert answer.headers["x-mock-violations"] == "response header content-type: media-type"


def test_an_undocumented_status_is_a_violation() -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/t": {"get": {"operationId": "t", "responses": {"200": {"description": "ok"}}}}},
    }
    engine = MockEngine(document)

    async def run() -> httpx.Response:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=_answering(418, b"", b"")))
        proxy = ProxyApp(engine, "http://upstream", client=client)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=proxy), base_url="http://proxy"
        ) as http:
            return await http.get("/t")

    answer = asyncio.run(run())
    assert answer.status_code == 418
    assert answer.headers["x-mock-violations"] == "response status: undocumented-status"


def test_an_unreachable_upstream_is_a_502_problem() -> None:
    async def run() -> httpx.Response:
        proxy = ProxyApp(MockEngine.from_path(SPEC), "http://127.0.0.1:9", timeout=2)
        transport = httpx.ASGITransport(app=proxy)
        async with httpx.AsyncClient(transport=transport, base_url="http://proxy") as http:
            return await http.get("/rooms")

    answer = asyncio.run(run())
    assert answer.status_code == 502
    assert answer.headers["content-type"] == "application/problem+json"
    assert "http://127.0.0.1:9 cannot be reached" in answer.json()["detail"]


def test_a_slow_upstream_is_a_504_problem_within_the_timeout() -> None:
    silent = socket.socket()  # accepts connections (the kernel does) and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    port = silent.getsockname()[1]

    async def run() -> httpx.Response:
        proxy = ProxyApp(MockEngine.from_path(SPEC), f"http://127.0.0.1:{port}", timeout=0.3)
        transport = httpx.ASGITransport(app=proxy)
        async with httpx.AsyncClient(transport=transport, base_url="http://proxy") as http:
            return await http.get("/rooms")

    started = time.monotonic()
    try:
        answer = asyncio.run(run())
    finally:
        silent.close()
    assert answer.status_code == 504
    assert "did not answer in time" in answer.json()["detail"]
    assert time.monotonic() - started < 3


def test_the_proxy_command_serves_the_journal() -> None:
    with (
        run_mock("--stateful", "-q") as upstream,
        run_mock(proxy_to=upstream.url) as proxy,
        httpx.Client(base_url=proxy.url) as http,
    ):
        assert http.post("/rooms", json=NEW_ROOM, headers=KEY).status_code == 201
        assert http.get("/rooms", params={"limit": 0}).status_code == 400
        journal = http.get("/__mock__/requests").json()
    assert [(e["operation"], e["status"], e["answer"]) for e in journal] == [
        ("createRoom", 201, "upstream"),
        ("listRooms", 400, "upstream"),
    ]
    assert json.loads(journal[0]["response"]["body"])["name"] == NEW_ROOM["name"]
    assert "(to http://127.0.0.1:" in proxy.output()
    assert "listRooms -> 400 (upstream) violations: query limit: minimum" in proxy.output()
