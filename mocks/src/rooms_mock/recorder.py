"""What a unit test sees of the mock, whatever client it uses: the calls made, the contract
violations among them, strict mode, and assertions that read well when they fail.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from rooms_mock.engine import MockEngine
from rooms_mock.messages import MockRequest, MockResponse
from rooms_mock.schemas import Violation
from rooms_mock.writes import Write

if TYPE_CHECKING:  # the events are imported when a test asks for them
    from rooms_mock.events.outgoing import OutgoingEvent
    from rooms_mock.events.recorder import EventRecorder


@dataclass(frozen=True, slots=True)
class Call:
    """One request the code under test made, and what the mock answered."""

    operation_id: str | None  # None: no operation of the spec matched
    request: MockRequest
    response: MockResponse

    @property
    def status(self) -> int:
        return self.response.status

    @property
    def violations(self) -> tuple[Violation, ...]:
        """What this request broke of the contract (empty when it kept it)."""
        return self.response.violations

    def json(self) -> Any:
        """The request's JSON body."""
        return json.loads(self.request.body) if self.request.body else None

    def describe(self) -> str:
        query = f"?{self.request.query}" if self.request.query else ""
        named = f" ({self.operation_id})" if self.operation_id else ""
        return f"{self.request.method} {self.request.path}{query}{named} -> {self.status}"


@dataclass(frozen=True, slots=True)
class ReportedViolation:
    """A violation with the call it was found in: operation, location, rule, message."""

    operation_id: str | None
    method: str
    path: str
    where: str  # path, query, header, cookie, body, security, route
    location: str
    rule: str
    message: str

    def __str__(self) -> str:
        operation = self.operation_id or "no operation"
        return (
            f"{self.method} {self.path} ({operation}): {self.where} {self.location}: "
            f"{self.rule}: {self.message}"
        )


class ContractViolation(AssertionError):
    """The code under test sent a request that breaks the contract (strict mode)."""

    def __init__(self, violations: list[ReportedViolation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  {violation}" for violation in violations)
        count = len(violations)
        super().__init__(
            f"the request breaks the contract ({count} violation{'s' if count != 1 else ''}):\n"
            f"{lines}"
        )


def _times(count: int) -> str:
    return f"{count} time{'s' if count != 1 else ''}"


class MockedApi:
    """The calls made to one mocked API, assertions on them, the engine and its state."""

    def __init__(self, engine: MockEngine, base_url: str, *, strict: bool = False) -> None:
        self.engine = engine
        self.base_url = base_url.rstrip("/")
        self.strict = strict
        self.calls: list[Call] = []
        self._operation_ids = {operation.operation_id for operation in engine.operations}
        # Every accepted stateful write; turned into events only when a test asks for them.
        self.writes: list[Write] = []
        self._events: EventRecorder | None = None

    def request_for(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> MockRequest:
        """A client's request as an ASGI server would hand it to the engine."""
        parts = urlsplit(url)
        prefix = urlsplit(self.base_url).path
        path = parts.path
        if prefix and path.startswith(prefix):
            path = path[len(prefix) :]
        return MockRequest(
            method=method.upper(),
            path=unquote(path) or "/",  # percent-decoded, as an ASGI server hands it over
            query=parts.query,
            headers={str(name).lower(): str(value) for name, value in headers.items()},
            body=body,
        )

    def answer(self, request: MockRequest) -> MockResponse:
        """Ask the engine, record the call; in strict mode a violation fails right here."""
        # The engine is shared between tests (compiled once): listen for this call only.
        listeners = self.engine.state.listeners
        listeners.append(self.writes.append)
        try:
            response = self.engine.handle(request)
        finally:
            listeners.remove(self.writes.append)
        call = Call(response.operation_id, request, response)
        self.calls.append(call)
        if self.strict and call.violations:
            raise ContractViolation(self._reported(call))
        return response

    # -- violations ----------------------------------------------------------------------

    @staticmethod
    def _reported(call: Call) -> list[ReportedViolation]:
        return [
            ReportedViolation(
                call.operation_id,
                call.request.method,
                call.request.path,
                violation.where,
                violation.location,
                violation.rule,
                violation.message,
            )
            for violation in call.violations
        ]

    @property
    def violations(self) -> list[ReportedViolation]:
        """Every contract violation of every call so far, in order."""
        return [found for call in self.calls for found in self._reported(call)]

    def assert_no_violations(self) -> None:
        found = self.violations
        if found:
            raise ContractViolation(found)

    # -- calls ---------------------------------------------------------------------------

    def _known(self, operation_id: str) -> None:
        if operation_id not in self._operation_ids:
            known = ", ".join(sorted(self._operation_ids))
            raise AssertionError(f"the spec has no operation {operation_id!r}; it has: {known}")

    def calls_to(self, operation_id: str) -> list[Call]:
        self._known(operation_id)
        return [call for call in self.calls if call.operation_id == operation_id]

    def _listing(self, calls: list[Call]) -> str:
        return "".join(f"\n  {call.describe()}" for call in calls) or " none"

    def assert_called(self, operation_id: str, times: int | None = None) -> list[Call]:
        """The calls to the operation; fails unless it was called (exactly `times` times)."""
        found = self.calls_to(operation_id)
        if (times is None and found) or (times is not None and len(found) == times):
            return found
        wanted = "at least once" if times is None else _times(times)
        raise AssertionError(
            f"expected {operation_id} to be called {wanted}, but it was called "
            f"{_times(len(found))}; calls to it:{self._listing(found)}\n"
            f"all calls:{self._listing(self.calls)}"
        )

    def assert_not_called(self, operation_id: str) -> None:
        found = self.calls_to(operation_id)
        if found:
            raise AssertionError(
                f"expected {operation_id} not to be called, but it was called "
                f"{_times(len(found))}:{self._listing(found)}"
            )

    def reset(self) -> None:
        """Forget the calls, the events and the stored state."""
        self.calls.clear()
        self.writes.clear()
        self.engine.reset()

    # -- events --------------------------------------------------------------------------

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
        """The events of `message`; fails unless it was emitted (exactly `times` times)."""
        found = self.events_of(message)
        if (times is None and found) or (times is not None and len(found) == times):
            return found
        made = ", ".join(event.message for event in self.events) or "none"
        wanted = "at least once" if times is None else _times(times)
        raise AssertionError(
            f"{message} was emitted {_times(len(found))}, expected {wanted}; events: {made}"
        )
