"""An ASGI layer that bounds what a request may ask of the application.

- JSON bodies nested deeper than `max_json_depth` get a 400 problem before any parser
  recurses into them (without it, 300 levels reached a RecursionError: a 500);
- more than `max_headers` headers get 431;
- more than `max_in_flight` requests in the application get 503 with Retry-After, except
  the probes, so a load balancer still sees /health and /ready under overload.

The body arrives here whole: RequestMiddleware, outside this layer, buffered it (bounded
in size and time).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rooms.config import ServerLimits
from rooms.entrypoints.problems import PROBLEM_JSON, problem, problem_bytes, unavailable_problem

_PROBES = {"/health", "/ready"}
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether `body`, read as JSON, nests arrays and objects more than `limit` deep."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # the common case, decided without looking closer
    brackets = _STRINGS.sub(b"", body).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class InputLimits:
    def __init__(self, app: ASGIApp, limits: ServerLimits) -> None:
        self.app = app
        self.limits = limits
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope["headers"]) > self.limits.max_headers:
            await _answer(
                send, 431, f"The request has more than {self.limits.max_headers} headers."
            )
            return
        probe = scope["path"] in _PROBES
        if not probe and self.in_flight >= self.limits.max_in_flight:
            body = unavailable_problem(
                f"The service is at its limit of {self.limits.max_in_flight} requests in flight."
            )
            await _answer(send, 503, "", body=body, headers=[(b"retry-after", b"1")])
            return
        if _is_json(scope):
            message = await receive()
            if message["type"] == "http.request" and json_depth_exceeds(
                message.get("body", b""), self.limits.max_json_depth
            ):
                await _answer(send, 400, "", body=self._too_deep())
                return
            receive = _replaying(message, receive)
        if probe:
            await self.app(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    def _too_deep(self) -> dict[str, Any]:
        limit = self.limits.max_json_depth
        return problem(
            400,
            f"The body nests arrays and objects more than {limit} levels deep.",
            title="Request is not valid",
            type_="https://rooms.example/problems/validation",
            violations=[
                {
                    "in": "body",
                    "location": "",
                    "rule": "maxDepth",
                    "message": f"JSON nesting is limited to {limit} levels",
                }
            ],
        )


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return b"json" in value.lower()
    return False


def _replaying(first: Message, receive: Receive) -> Receive:
    pending = [first]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


async def _answer(
    send: Send,
    status: int,
    detail: str,
    *,
    body: dict[str, Any] | None = None,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    payload = problem_bytes(body or problem(status, detail))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(payload)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
