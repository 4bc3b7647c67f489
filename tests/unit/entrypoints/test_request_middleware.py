"""The outer ASGI layer on its own: bounded bodies, request ids and the access log line."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

import pytest

from rooms.entrypoints.request_middleware import RequestMiddleware


class EchoApp:
    """Reads the whole body and answers with its length."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        size, more = 0, True
        while more:
            message = await receive()
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        body = str(size).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


def run(app: Any, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> list[dict[str, Any]]:
    scope = {"type": "http", "method": "POST", "path": "/rooms", "headers": headers}
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def test_a_streamed_body_over_the_limit_gets_413_without_reaching_the_app() -> None:
    inner = EchoApp()
    sent = run(RequestMiddleware(inner, max_body_bytes=1024), [b"x" * 600, b"x" * 600], [])
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["status"] == 413
    assert inner.calls == 0


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    inner = EchoApp()
    headers = [(b"content-length", b"5000")]
    sent = run(RequestMiddleware(inner, max_body_bytes=1024), [b"x"], headers)
    assert sent[0]["status"] == 413
    assert inner.calls == 0


def test_a_body_within_the_limit_reaches_the_app_whole(caplog: pytest.LogCaptureFixture) -> None:
    inner = EchoApp()
    with caplog.at_level(logging.INFO, logger="rooms.access"):
        sent = run(
            RequestMiddleware(inner, max_body_bytes=1024),
            [b"x" * 500, b"x" * 500],
            [(b"x-request-id", b"abc")],
        )
    assert sent[0]["status"] == 200
    assert (b"x-request-id", b"abc") in sent[0]["headers"]
    assert sent[1]["body"] == b"1000"
    line = json.loads(caplog.records[-1].getMessage())
    assert line == {**line, "method": "POST", "path": "/rooms", "status": 200, "request_id": "abc"}
    assert line["duration_ms"] >= 0


def test_generated_request_ids_are_unique_32_hex_digits_and_new_per_process() -> None:
    from rooms.entrypoints import request_middleware

    ids = [request_middleware._request_id([]) for _ in range(1000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(rb"[0-9a-f]{32}", value) for value in ids)
    before = request_middleware._ids.prefix
    request_middleware._ids.renew()  # what a forked child runs
    assert request_middleware._ids.prefix != before
    assert request_middleware._request_id([]) not in ids
