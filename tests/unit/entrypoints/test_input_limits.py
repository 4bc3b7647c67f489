"""The input limits: the JSON depth scan, and the in-flight limit that never refuses a probe."""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Message, Receive, Scope, Send

from rooms.config import ServerLimits
from rooms.entrypoints.input_limits import InputLimits, json_depth_exceeds


@pytest.mark.parametrize(
    ("body", "limit", "exceeds"),
    [
        (b"[[[]]]", 3, False),
        (b"[[[[]]]]", 3, True),
        (b'{"a": {"b": {"c": 1}}}', 3, False),
        (b'{"a": {"b": {"c": {}}}}', 3, True),
        (b'["[[[[[[", "{{{{{{"]', 2, False),  # brackets in strings are text
        (b'["\\"[[[[", [[1]]]', 3, False),  # an escaped quote does not end the string
        (b'["\\"[[[[", [[[1]]]]', 3, True),
        (b"[]" * 1000, 1, False),  # many siblings are not depth
    ],
)
def test_depth(body: bytes, limit: int, exceeds: bool) -> None:
    assert json_depth_exceeds(body, limit) is exceeds


async def _call(app: InputLimits, path: str) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": []}
    await app(scope, receive, send)
    return sent


def test_past_the_in_flight_limit_requests_get_503_but_probes_still_pass() -> None:
    release = asyncio.Event()

    async def slow_app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/rooms":
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    limited = InputLimits(slow_app, ServerLimits(max_in_flight=2))

    async def scenario() -> tuple[list[Message], list[Message], list[Message]]:
        held = [asyncio.create_task(_call(limited, "/rooms")) for _ in range(2)]
        await asyncio.sleep(0.05)
        try:  # without the limit, this request would wait with the others: bounded here
            refused = await asyncio.wait_for(_call(limited, "/rooms"), 2)
        except TimeoutError:
            release.set()
            await asyncio.gather(*held)
            raise AssertionError("a request past the limit was let in") from None
        probe = await _call(limited, "/health")
        release.set()
        first = (await asyncio.gather(*held))[0]
        return refused, probe, first

    refused, probe, first = asyncio.run(scenario())
    assert refused[0]["status"] == 503
    assert (b"retry-after", b"1") in refused[0]["headers"]
    assert probe[0]["status"] == 200
    assert first[0]["status"] == 200
    assert limited.in_flight == 0
