"""The request journal: one entry and one log line per request, served as JSON at
`/__mock__/requests` for consumers who cannot use the Python fixture (JS, end-to-end tests).

Recording keeps references only (no copying, no JSON); the work happens when someone reads.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from rooms_mock.messages import MockRequest, MockResponse

# Log levels: -v adds the bodies, -q shows only requests that break the contract, -qq nothing.
SILENT, QUIET, NORMAL, VERBOSE = -1, 0, 1, 2
_BODY_PREVIEW = 500


@dataclass(frozen=True, slots=True)
class Entry:
    at: float  # seconds since the epoch
    request: MockRequest
    response: MockResponse

    def as_json(self) -> dict[str, Any]:
        request, response = self.request, self.response
        return {
            "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.at))
            + f".{int(self.at % 1 * 1000):03d}Z",
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "operation": response.operation_id,
            "status": response.status,
            "answer": response.origin,
            "violations": [violation.as_json() for violation in response.violations],
            "request": {"headers": dict(request.headers), "body": _text(request.body)},
            "response": {"headers": dict(response.headers), "body": _text(response.body)},
        }

    def line(self) -> str:
        request, response = self.request, self.response
        query = f"?{request.query}" if request.query else ""
        operation = response.operation_id or "-"
        text = f"{request.method} {request.path}{query} {operation} -> {response.status} ({response.origin})"
        if response.violations:
            broken = "; ".join(
                f"{v.where} {v.location}: {v.rule}: {v.message}" for v in response.violations
            )
            text += f" violations: {broken}"
        return text


def _text(body: bytes) -> str:
    return body.decode("utf-8", "replace")


class Journal:
    def __init__(
        self,
        *,
        verbosity: int = NORMAL,
        limit: int = 10_000,
        out: TextIO | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.verbosity = verbosity
        self.entries: deque[Entry] = deque(maxlen=limit)  # the oldest go first
        self._out = out
        self._clock = clock

    def record(self, request: MockRequest, response: MockResponse) -> None:
        entry = Entry(self._clock(), request, response)
        self.entries.append(entry)
        if self.verbosity >= NORMAL or (response.violations and self.verbosity == QUIET):
            out = self._out or sys.stdout
            print(f"rooms-mock: {entry.line()}", file=out, flush=True)
            if self.verbosity >= VERBOSE:
                for label, body in (("request", request.body), ("response", response.body)):
                    if body:
                        preview = _text(body[:_BODY_PREVIEW])
                        print(f"  {label} body: {preview}", file=out, flush=True)

    def as_json(self) -> list[dict[str, Any]]:
        return [entry.as_json() for entry in self.entries]

    def clear(self) -> None:
        self.entries.clear()
