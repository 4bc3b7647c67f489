"""Providers that mishandle a request body: read it as something else, or check it too late.

ASGI layers around the real app, made in the test only.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send


async def _read_body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


class StoresThenRefusesLargeBodies:
    """Checks the body size after handling the request: the write is applied, the answer is 413."""

    def __init__(self, app: ASGIApp, limit: int = 65536) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PATCH"):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if len(body) <= self.limit:
            await self.app(scope, _replay(body), send)
            return
        compact = json.dumps(json.loads(body)).encode()
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(compact)).encode()))

        async def discard(message: Any) -> None:
            del message

        await self.app({**scope, "headers": headers}, _replay(compact), discard)
        problem = json.dumps({"type": "about:blank", "title": "Payload too large", "status": 413})
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/problem+json")],
            }
        )
        await send({"type": "http.response.body", "body": problem.encode()})


class NullMeansAbsent:
    """Reads a merge patch as "null = not given" (a common mapping bug): nulls remove nothing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "PATCH":
            await self.app(scope, receive, send)
            return
        raw = await _read_body(receive)
        try:
            patch = json.loads(raw)
        except ValueError:
            await self.app(scope, _replay(raw), send)
            return
        if isinstance(patch, dict) and any(v is not None for v in patch.values()):
            patch = {k: v for k, v in patch.items() if v is not None}
        body = json.dumps(patch).encode()
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.app({**scope, "headers": headers}, _replay(body), send)


def _replay(body: bytes) -> Receive:
    async def receive() -> Any:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
