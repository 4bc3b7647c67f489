"""The engine as a plain ASGI app: latency, CORS, a reset endpoint and reload on spec change.

No web framework: the hot path is read the body, ask the engine, send the bytes.
"""

from __future__ import annotations

import asyncio
import random
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rooms_mock.control import CONTROL_PREFIX, control
from rooms_mock.engine import MockEngine, MockRequest, MockResponse
from rooms_mock.journal import SILENT, Journal
from rooms_mock.spec import SpecError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Latency:
    """A fixed delay (low == high) or one drawn uniformly from a range, in milliseconds."""

    low_ms: float
    high_ms: float

    @classmethod
    def parse(cls, text: str) -> Latency:
        low, _, high = text.partition("-")
        try:
            values = float(low), float(high or low)
        except ValueError:
            raise ValueError(f"latency {text!r}: want MS or MIN-MAX in milliseconds") from None
        if values[0] < 0 or values[1] < values[0]:
            raise ValueError(f"latency {text!r}: want MS or MIN-MAX with 0 <= MIN <= MAX")
        return cls(*values)

    def draw(self) -> float:
        return random.uniform(self.low_ms, self.high_ms) / 1000


class MockApp:
    def __init__(
        self,
        engine: MockEngine,
        *,
        latency: Latency | None = None,
        cors: bool = False,
        watch: Path | None = None,
        on_reload: Callable[[MockEngine], None] | None = None,
        poll_seconds: float = 0.5,
        journal: Journal | None = None,
        controls: Callable[[MockRequest], MockResponse | None] | None = None,
    ) -> None:
        self.engine = engine
        self.journal = journal or Journal(verbosity=SILENT)
        # More of the mock's own endpoints under CONTROL_PREFIX (the events); None: not theirs.
        self._controls = controls
        self.latency = latency
        self.cors = cors
        self._watch = watch
        self._on_reload = on_reload
        self._poll_seconds = poll_seconds
        self._watcher: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        request = MockRequest(
            scope["method"], scope["path"], scope["query_string"].decode("latin-1"), headers
        )
        engine = self.engine
        limit = engine.options.max_body_bytes
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                response = engine.payload_too_large(request)
                self.journal.record(request, response)
                await self._send(send, response, headers)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        request.body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if self.cors and request.method == "OPTIONS" and "access-control-request-method" in headers:
            response = MockResponse(204, self._preflight(request), b"")
        elif request.path.startswith(CONTROL_PREFIX):
            answered = self._controls(request) if self._controls is not None else None
            response = answered or control(engine, self.journal, request)
        else:
            response = engine.handle(request)
            self.journal.record(request, response)
        if self.latency is not None:
            await asyncio.sleep(self.latency.draw())
        await self._send(send, response, headers)

    async def _send(self, send: Send, response: MockResponse, headers: dict[str, str]) -> None:
        raw = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers
        ]
        if self.cors:
            raw.extend(self._cors(response, headers.get("origin")))
        raw.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": raw})
        await send({"type": "http.response.body", "body": response.body})

    @staticmethod
    def _cors(response: MockResponse, origin: str | None) -> list[tuple[bytes, bytes]]:
        exposed = ", ".join(name for name, _ in response.headers if name.lower() != "content-type")
        found = [(b"access-control-allow-origin", (origin or "*").encode("latin-1"))]
        if origin:
            found += [(b"access-control-allow-credentials", b"true"), (b"vary", b"Origin")]
        if exposed:
            found.append((b"access-control-expose-headers", exposed.encode("latin-1")))
        return found

    def _preflight(self, request: MockRequest) -> list[tuple[str, str]]:
        found = self.engine.router.match(request.path)
        methods = ", ".join(sorted(found[0])) if found else "GET, POST, PUT, PATCH, DELETE"
        headers = [
            ("access-control-allow-methods", methods),
            ("access-control-max-age", "600"),
        ]
        wanted = request.headers.get("access-control-request-headers")
        if wanted:
            headers.append(("access-control-allow-headers", wanted))
        return headers

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self._watch is not None:
                    self._watcher = asyncio.create_task(self._watch_spec(self._watch))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._watcher is not None:
                    self._watcher.cancel()
                await send({"type": "lifespan.shutdown.complete"})
                return

    @staticmethod
    def _stamp(path: Path) -> tuple[int, int] | None:
        try:
            status = path.stat()
        except OSError:
            return None
        return status.st_mtime_ns, status.st_size

    async def _watch_spec(self, path: Path) -> None:
        """Poll the spec's modification time: no watcher dependency, works on every filesystem."""
        seen = self._stamp(path)
        while True:
            await asyncio.sleep(self._poll_seconds)
            stamp = self._stamp(path)
            if stamp is None or stamp == seen:
                continue
            seen = stamp
            try:
                engine = await asyncio.to_thread(MockEngine.from_path, path, self.engine.options)
            except (SpecError, Exception) as error:  # a half-saved spec must not stop the mock
                print(
                    f"rooms-mock: {path} changed but cannot be served ({error}); "
                    "still serving the previous version",
                    file=sys.stderr,
                    flush=True,
                )
                continue
            # Write listeners (event publishing) hear the reloaded engine's writes too.
            engine.state.listeners.extend(self.engine.state.listeners)
            self.engine = engine
            if self._on_reload is not None:
                self._on_reload(engine)
