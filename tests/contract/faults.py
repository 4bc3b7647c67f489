"""Deliberately broken providers: the real app with one fault wrapped around it.

Each fault is an ASGI layer (or an injector binding) applied in the test only, so no
fault switch exists in production code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Rewrite = Callable[[Scope, int, dict[bytes, bytes], bytes], tuple[int, dict[bytes, bytes], bytes]]


class ResponseFault:
    """Buffers each response and lets `rewrite` change its status, headers and body."""

    def __init__(self, app: ASGIApp, rewrite: Rewrite) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    headers = dict(start.get("headers", []))
                    status, headers, body = self.rewrite(
                        scope, start["status"], headers, b"".join(chunks)
                    )
                    headers[b"content-length"] = str(len(body)).encode()
                    await send(
                        {
                            "type": "http.response.start",
                            "status": status,
                            "headers": list(headers.items()),
                        }
                    )
                    await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def _is_room(scope: Scope, status: int) -> bool:
    return scope["method"] == "GET" and scope["path"].startswith("/rooms/") and status == 200


def drop_required_member(
    scope: Scope, status: int, headers: dict[bytes, bytes], body: bytes
) -> tuple[int, dict[bytes, bytes], bytes]:
    if _is_room(scope, status):
        room = json.loads(body)
        del room["currency"]
        body = json.dumps(room).encode()
    return status, headers, body


def wrong_type(
    scope: Scope, status: int, headers: dict[bytes, bytes], body: bytes
) -> tuple[int, dict[bytes, bytes], bytes]:
    if _is_room(scope, status):
        room = json.loads(body)
        room["price"] = str(room["price"])
        body = json.dumps(room).encode()
    return status, headers, body


def undocumented_status(
    scope: Scope, status: int, headers: dict[bytes, bytes], body: bytes
) -> tuple[int, dict[bytes, bytes], bytes]:
    if scope["method"] == "GET" and scope["path"] == "/rooms" and status == 200:
        return 206, headers, body
    return status, headers, body


def wrong_content_type(
    scope: Scope, status: int, headers: dict[bytes, bytes], body: bytes
) -> tuple[int, dict[bytes, bytes], bytes]:
    if scope["method"] == "GET" and scope["path"] == "/rooms" and status == 200:
        headers[b"content-type"] = b"text/plain"
    return status, headers, body


def server_error_on_valid_input(
    scope: Scope, status: int, headers: dict[bytes, bytes], body: bytes
) -> tuple[int, dict[bytes, bytes], bytes]:
    # Any list filtered by city breaks, as a buggy query would.
    if (
        scope["method"] == "GET"
        and scope["path"] == "/rooms"
        and b"city=" in scope["query_string"]
        and status == 200
    ):
        problem = {"type": "about:blank", "title": "Internal Server Error", "status": 500}
        return 500, {b"content-type": b"application/problem+json"}, json.dumps(problem).encode()
    return status, headers, body


class AcceptWritesWithoutKey:
    """Adds the valid key to any request that lacks one: the API no longer checks who writes."""

    def __init__(self, app: ASGIApp, api_key: str) -> None:
        self.app = app
        self.header = (b"x-api-key", api_key.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not any(
            name == b"x-api-key" for name, _ in scope["headers"]
        ):
            scope = {**scope, "headers": [*scope["headers"], self.header]}
        await self.app(scope, receive, send)
