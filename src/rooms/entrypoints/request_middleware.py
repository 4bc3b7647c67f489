"""The outermost ASGI layer: request ids, the body size limit and one log line per request."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rooms.entrypoints.problems import PROBLEM_JSON, current_request_id, problem, problem_bytes

access_log = logging.getLogger("rooms.access")

REQUEST_ID_HEADER = b"x-request-id"
# A client's id is echoed only if it is a plain token; anything else is replaced, never logged raw.
_SAFE_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_BODILESS = {204, 304}
_CONTENT_HEADERS = {b"content-type", b"content-length"}


class _BodyTooLarge(Exception):
    pass


class RequestMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, body_timeout_seconds: float = 10.0
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_seconds = body_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()
        headers: list[tuple[bytes, bytes]] = list(scope["headers"])
        request_id = _request_id(headers)
        token = current_request_id.set(request_id.decode())
        # Downstream (the Flask thread included) reads the id from the headers.
        headers = [(k, v) for k, v in headers if k != REQUEST_ID_HEADER]
        headers.append((REQUEST_ID_HEADER, request_id))
        scope = {**scope, "headers": headers}
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = [*message.get("headers", []), (REQUEST_ID_HEADER, request_id)]
                if status in _BODILESS:
                    # connexion labels every answer with the operation's media type, even
                    # one that has no body; RFC 9110 says a 204/304 carries no content.
                    response_headers = [
                        (k, v) for k, v in response_headers if k.lower() not in _CONTENT_HEADERS
                    ]
                message = {**message, "headers": response_headers}
            elif message["type"] == "http.response.body" and status in _BODILESS:
                message = {**message, "body": b""}
            await send(message)

        try:
            if scope["method"] in _BODY_METHODS:
                try:
                    # A client that trickles its body holds a connection: the body has a deadline.
                    async with asyncio.timeout(self.body_timeout_seconds):
                        receive = await self._buffered(scope, receive)
                except _BodyTooLarge:
                    await self._too_large(send_with_id)
                    return
                except TimeoutError:
                    await self._too_slow(send_with_id)
                    return
            await self.app(scope, receive, send_with_id)
        finally:
            current_request_id.reset(token)
            access_log.info(
                json.dumps(
                    {
                        "event": "request",
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                        "request_id": request_id.decode(),
                    }
                )
            )

    async def _buffered(self, scope: Scope, receive: Receive) -> Receive:
        """Read the whole body (bounded), so that no layer below reads an oversized one."""
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise _BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                # The client went away; let the app see the disconnect.
                pending: list[Message] = [message]
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _BodyTooLarge
            chunks.append(chunk)
            more = message.get("more_body", False)
        else:
            pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replay() -> Message:
            return pending.pop(0) if pending else await receive()

        return replay

    async def _too_slow(self, send: Send) -> None:
        detail = f"The body did not arrive within {self.body_timeout_seconds:g} s."
        await _closing_problem(send, 408, problem_bytes(problem(408, detail)))

    async def _too_large(self, send: Send) -> None:
        body = problem_bytes(
            problem(
                413,
                f"The body exceeds {self.max_body_bytes} bytes.",
                title="Payload too large",
                type_="https://rooms.example/problems/payload-too-large",
            )
        )
        await _closing_problem(send, 413, body)


async def _closing_problem(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _request_id(headers: list[tuple[bytes, bytes]]) -> bytes:
    for name, value in headers:
        if name == REQUEST_ID_HEADER and _SAFE_REQUEST_ID.match(value):
            return value
    return f"{_ids.prefix}{next(_ids.counter):016x}".encode()


class _RequestIds:
    """Unique, not secret, request ids: a random per-process prefix and a counter.

    uuid4() would read os.urandom on the event loop for every request, a system call that
    gives up the GIL to the WSGI threads and waits to get it back; a counter does not.
    """

    def __init__(self) -> None:
        self.renew()

    def renew(self) -> None:
        self.prefix = uuid.uuid4().hex[:16]
        self.counter = itertools.count()


_ids = _RequestIds()
# A forked worker gets its own prefix, so no two processes hand out the same ids.
os.register_at_fork(after_in_child=_ids.renew)
