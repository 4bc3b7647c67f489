"""`with rooms_mock(base_url) as api:`: `requests` calls to the base URL answered by the engine.

The same engine as the server (validation, examples, state), without a socket: a consumer's
unit test runs in milliseconds and can assert which operations it called, and how.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import requests
import responses

from rooms_mock.engine import MockEngine, MockOptions, MockRequest, MockResponse
from rooms_mock.spec import default_spec_path
from rooms_mock.writes import Write

if TYPE_CHECKING:  # the events are imported when a test asks for them
    from rooms_mock.events.outgoing import OutgoingEvent
    from rooms_mock.events.recorder import EventRecorder

DEFAULT_BASE_URL = "http://rooms.mock"
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True, slots=True)
class Call:
    """One request the code under test made, and what the mock answered."""

    operation_id: str | None  # None: no operation of the spec matched
    request: MockRequest
    response: MockResponse

    @property
    def status(self) -> int:
        return self.response.status

    def json(self) -> Any:
        """The request's JSON body."""
        import json

        return json.loads(self.request.body) if self.request.body else None


class MockedApi:
    """What a test sees: the calls made, assertions on them, the engine and its state."""

    def __init__(self, engine: MockEngine, base_url: str) -> None:
        self.engine = engine
        self.base_url = base_url.rstrip("/")
        self.calls: list[Call] = []
        # Every accepted stateful write; turned into events only when a test asks for them.
        self.writes: list[Write] = []
        self._events: EventRecorder | None = None

    @property
    def events(self) -> list[OutgoingEvent]:
        """The events the mock would have published for the calls so far, in order, without a
        broker: `event.body` is the Avro bytes, `event.decoded()` reads them back, `event.record`
        is what was encoded (needs the `rooms-mock[events]` extra's rooms-events)."""
        if self._events is None:
            from rooms_mock.events.recorder import EventRecorder

            self._events = EventRecorder(self.engine.document)
        return self._events.events(self.writes)

    def events_of(self, message: str) -> list[OutgoingEvent]:
        return [event for event in self.events if event.message == message]

    def assert_emitted(self, message: str, times: int | None = None) -> list[OutgoingEvent]:
        found = self.events_of(message)
        if not found or (times is not None and len(found) != times):
            made = ", ".join(event.message for event in self.events) or "none"
            wanted = "at least once" if times is None else f"{times} time(s)"
            raise AssertionError(
                f"{message} was emitted {len(found)} time(s), expected {wanted}; events: {made}"
            )
        return found

    def calls_to(self, operation_id: str) -> list[Call]:
        return [call for call in self.calls if call.operation_id == operation_id]

    def assert_called(self, operation_id: str, times: int | None = None) -> list[Call]:
        found = self.calls_to(operation_id)
        if not found or (times is not None and len(found) != times):
            made = ", ".join(f"{c.request.method} {c.request.path}" for c in self.calls) or "none"
            wanted = "at least once" if times is None else f"{times} time(s)"
            raise AssertionError(
                f"{operation_id} was called {len(found)} time(s), expected {wanted}; calls: {made}"
            )
        return found

    def assert_not_called(self, operation_id: str) -> None:
        if self.calls_to(operation_id):
            raise AssertionError(f"{operation_id} was called {len(self.calls_to(operation_id))}x")

    def reset(self) -> None:
        """Forget the calls, the events and the stored state."""
        self.calls.clear()
        self.writes.clear()
        self.engine.reset()

    def _answer(self, prepared: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(prepared.url or "")
        prefix = urlsplit(self.base_url).path
        path = url.path[len(prefix) :] if prefix and url.path.startswith(prefix) else url.path
        path = unquote(path)  # as an ASGI server hands it over: percent-decoded
        raw: Any = prepared.body  # str, bytes, None, or an iterable of chunks (a streamed upload)
        if isinstance(raw, str):
            body = raw.encode()
        elif raw is None or isinstance(raw, bytes):
            body = raw or b""
        else:
            body = b"".join(raw)
        request = MockRequest(
            method=(prepared.method or "GET").upper(),
            path=path or "/",
            query=url.query,
            headers={name.lower(): value for name, value in prepared.headers.items()},
            body=body,
        )
        response = self.engine.handle(request)
        self.calls.append(Call(response.operation_id, request, response))
        return response.status, dict(response.headers), response.body


@functools.lru_cache(maxsize=16)
def _compiled(path: Path, _mtime_ns: int, options: MockOptions) -> MockEngine:
    """Compiling a spec takes a while; a test suite pays it once per spec and options."""
    return MockEngine.from_path(path, options)


@contextmanager
def rooms_mock(
    base_url: str = DEFAULT_BASE_URL,
    spec: Path | str | None = None,
    *,
    stateful: bool = True,
    dynamic: bool = False,
    seed: int = 0,
    api_keys: tuple[str, ...] = (),
    unique: tuple[str, ...] = (),
    engine: MockEngine | None = None,
) -> Iterator[MockedApi]:
    """Answer every `requests` call to `base_url` from the mock; other URLs raise, as in
    `responses`. Stateful by default: a unit test creates what it then reads."""
    if engine is None:
        options = MockOptions(
            dynamic=dynamic,
            stateful=stateful,
            seed=seed,
            api_keys=frozenset(api_keys),
            unique=tuple(unique),
        )
        path = Path(spec or default_spec_path()).resolve()
        engine = _compiled(path, path.stat().st_mtime_ns, options)
    engine.reset()  # every `with` starts from an empty store
    api = MockedApi(engine, base_url)
    pattern = re.compile(re.escape(api.base_url) + r"(?:[/?#].*)?$")
    # The engine is shared between tests (compiled once): its listener is this `with`'s only.
    engine.write_listeners.append(api.writes.append)
    try:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
            for method in _METHODS:
                mocked.add_callback(method, pattern, callback=api._answer, content_type=None)
            yield api
    finally:
        engine.write_listeners.remove(api.writes.append)
