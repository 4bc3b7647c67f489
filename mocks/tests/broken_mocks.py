"""Deliberately broken mocks (uvicorn factories), to show the contract checks catch each fault."""

from __future__ import annotations

import json
from typing import Any

from rooms_mock.asgi import MockApp
from rooms_mock.engine import MockEngine, MockOptions, MockRequest, MockResponse
from rooms_mock.spec import bundled_spec_path

SPEC = bundled_spec_path()


class _DropsId(MockEngine):
    def handle(self, request: MockRequest) -> MockResponse:
        response = super().handle(request)
        body = response.json() if response.body and response.status < 300 else None
        if isinstance(body, dict) and "id" in body:
            del body["id"]
            response = MockResponse(response.status, response.headers, json.dumps(body).encode())
        return response


def drops_a_required_member() -> Any:
    """Answers rooms without their `id`: response_schema_conformance must fail."""
    return MockApp(
        _DropsId(json.loads(json.dumps(_load())), MockOptions(api_keys=frozenset({"k"})))
    )


def validates_nothing() -> Any:
    """Accepts every request: negative_data_rejection must fail."""
    engine = MockEngine(_load(), MockOptions(api_keys=frozenset({"k"})))
    for operation in engine.operations:
        operation.parameters = []
        if operation.body is not None:
            operation.body.required = False
            operation.body.media = dict.fromkeys(operation.body.media)
    return MockApp(engine)


def _load() -> dict[str, Any]:
    from rooms_mock.spec import load_spec

    return load_spec(SPEC)
