"""rooms-mock: a validating mock server for any OpenAPI 3 spec, and fixtures for `requests` and
httpx clients in unit tests."""

from __future__ import annotations

from typing import Any

__all__ = [
    "ContractViolation",
    "MockEngine",
    "MockOptions",
    "MockTransport",
    "MockedApi",
    "rooms_mock",
]


def __getattr__(name: str) -> Any:
    # Lazy: the pytest plugin imports this package in every test run of an environment.
    if name == "rooms_mock":
        from rooms_mock.requests_adapter import rooms_mock

        return rooms_mock
    if name in ("ContractViolation", "MockedApi"):
        from rooms_mock import recorder

        return getattr(recorder, name)
    if name == "MockTransport":
        from rooms_mock.httpx_transport import MockTransport

        return MockTransport
    if name in ("MockEngine", "MockOptions"):
        from rooms_mock import engine

        return getattr(engine, name)
    raise AttributeError(name)
