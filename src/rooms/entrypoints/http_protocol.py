"""uvicorn's h11 protocol with the bounds uvicorn lacks: head time-out, head size, connections.

uvicorn closes a connection idle after an answer (`timeout_keep_alive`) and caps what h11
buffers (`h11_max_incomplete_event_size`, answered with a plain 400), but a client that
connects and sends half a head, or trickles one, is held for ever, and nothing caps how
many connections are open. This subclass adds, per worker:

- a head deadline: from connecting (or from the first byte after an answer) to a complete
  request head; past it, 408 and close;
- a head size: the request line and headers over `max_head_bytes` get 431 and close;
- a connection cap that does not starve the probes: past `max_connections` open connections
  up to `max_waiting_connections` more are accepted without a slot (connection_slots):
  GET /health and /ready are served on them at once, any other request queues (FIFO) for a
  slot up to `queue_timeout_seconds`, then 503 and close; past both, closed at once;
- problem+json instead of uvicorn's plain-text 400 for a malformed request.

It relies on uvicorn's H11Protocol internals (`conn`, `transport`, `connections`,
`app`), checked against uvicorn 0.30-0.55; tests/faults exercises each bound.
"""

from __future__ import annotations

import asyncio
import logging
import os
from functools import cache
from typing import Any

import h11
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from rooms.config import ServerLimits
from rooms.entrypoints.connection_slots import Admission, ConnectionSlots, resolve, slots_for
from rooms.entrypoints.problems import (
    PROBLEM_JSON,
    problem,
    problem_bytes,
    unavailable_problem,
)

log = logging.getLogger("rooms.server")


@cache
def server_limits() -> ServerLimits:
    """Read once per worker process: uvicorn builds the protocol without our settings."""
    return ServerLimits.from_env(os.environ)


# What a load balancer asks; served on a connection past the cap without waiting for a slot.
_PROBES = {"/health", "/ready"}


class BoundedH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limits = server_limits()
        self._head_timer: asyncio.TimerHandle | None = None
        self._slots: ConnectionSlots = slots_for(
            self.server_state, self._limits.max_connections, self._limits.max_waiting_connections
        )
        self._admission: Admission | None = None
        # Set while a request of this connection queues for a slot; False ends the wait.
        self._waiter: asyncio.Future[bool] | None = None
        self._app_with_slot: ASGIApp = self.app

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._admission = self._slots.admit()
        if self._admission is Admission.REFUSED:
            log.warning(
                "connection refused: %d connections hold slots, %d more wait",
                self._slots.held,
                self._slots.waiting,
            )
            transport.close()
            self.transport = transport
            return
        super().connection_made(transport)
        if self._admission is Admission.WAITING:
            # uvicorn runs `self.app` for each request: until this connection holds a
            # slot, each of its requests passes the gate first.
            self.app = self._without_slot
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        admission, self._admission = self._admission, None
        if admission is Admission.SLOT:
            self._slots.release()
        elif admission is Admission.WAITING:
            resolve(self._waiter, False)  # a queued request stops waiting for nobody
            self._slots.leave_waiting()
        if admission is not Admission.REFUSED:
            super().connection_lost(exc)

    def shutdown(self) -> None:
        # Stopping: a queued request is answered 503 now, not at the end of its wait.
        resolve(self._waiter, False)
        super().shutdown()

    async def _without_slot(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app for a connection past the cap: probes now, anything else after a slot."""
        if scope["method"] == "GET" and scope["path"] in _PROBES:
            await self._app_with_slot(scope, receive, send)
            return
        self._waiter = self.loop.create_future()
        try:
            granted = await self._slots.acquire(
                self._waiter, self._limits.connection_queue_timeout_seconds
            )
        finally:
            self._waiter = None
        if granted:
            self._admission = Admission.SLOT
            self.app = self._app_with_slot
            await self._app_with_slot(scope, receive, send)
        elif not self.transport.is_closing():  # else the client left: nobody to answer
            await self._no_slot(send)

    async def _no_slot(self, send: Send) -> None:
        wait = self._limits.connection_queue_timeout_seconds
        log.warning("request refused: no connection slot within %g s", wait)
        body = problem_bytes(
            unavailable_problem(
                f"All {self._limits.max_connections} connections stayed busy for {wait:g} s."
            )
        )
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", b"1"),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE and self._head_too_large(data):
            self._refuse(431, f"The request head exceeds {self._limits.max_head_bytes} bytes.")
            return
        super().data_received(data)
        if self.transport.is_closing():
            self._cancel_head_timer()
        elif self.conn.their_state is h11.IDLE:
            self._arm_head_timer()
        else:
            self._cancel_head_timer()

    def _head_too_large(self, data: bytes) -> bool:
        limit = self._limits.max_head_bytes
        buffered = self.conn.trailing_data[0]
        if len(buffered) + len(data) <= limit:
            return False
        # The body may arrive in the same read as the head: only the head counts.
        return b"\r\n\r\n" not in (buffered + data)[: limit + 4]

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, "The request is not valid HTTP/1.1.")

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(
                self._limits.head_timeout_seconds, self._head_timed_out
            )

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.our_state is not h11.IDLE:
            return  # an answer is being written; the keep-alive time-out follows it
        if not self.conn.trailing_data[0]:
            # Nothing of a request arrived: the keep-alive time-out's case, closed quietly.
            self.transport.close()
            return
        self._refuse(
            408, f"The request head did not arrive within {self._limits.head_timeout_seconds:g} s."
        )

    def _refuse(self, status: int, detail: str) -> None:
        """Answer `status` as a problem and close, whatever state h11 is in."""
        self._cancel_head_timer()
        body = problem_bytes(problem(status, detail))
        head = (
            f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
            f"content-type: {PROBLEM_JSON}\r\n"
            f"content-length: {len(body)}\r\n"
            "connection: close\r\n\r\n"
        ).encode()
        if not self.transport.is_closing():
            self.transport.write(head + body)
            self.transport.close()


_REASONS = {400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large"}
