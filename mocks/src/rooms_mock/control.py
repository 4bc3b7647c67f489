"""The mock's own endpoints under `/__mock__/` (in no spec): reset, the journal, the state."""

from __future__ import annotations

from rooms_mock.engine import MockEngine
from rooms_mock.journal import Journal
from rooms_mock.messages import MockRequest, MockResponse, dumps

# Not in any spec: the mock's own controls live under this prefix.
CONTROL_PREFIX = "/__mock__/"
_JSON = [("content-type", "application/json")]
_ENDPOINTS = (
    f"POST {CONTROL_PREFIX}reset, GET or DELETE {CONTROL_PREFIX}requests, GET {CONTROL_PREFIX}state"
)


def control(engine: MockEngine, journal: Journal, request: MockRequest) -> MockResponse:
    name = request.path[len(CONTROL_PREFIX) :]
    method = request.method
    if name == "reset" and method == "POST":
        engine.reset()
        return MockResponse(204, [], b"", origin="control")
    if name == "requests" and method == "GET":
        return MockResponse(200, list(_JSON), dumps(journal.as_json()), origin="control")
    if name == "requests" and method == "DELETE":
        journal.clear()
        return MockResponse(204, [], b"", origin="control")
    if name == "state" and method == "GET":
        return MockResponse(200, list(_JSON), dumps(engine.state.snapshot()), origin="control")
    detail = f"The mock knows {_ENDPOINTS} only, not {method} {request.path}."
    body = {"type": "about:blank", "title": "Not Found", "status": 404, "detail": detail}
    return MockResponse(
        404, [("content-type", "application/problem+json")], dumps(body), origin="control"
    )
