"""rooms-mock: a validating mock server for any OpenAPI 3 spec, and a `responses` fixture."""

from __future__ import annotations

from typing import Any

__all__ = ["MockEngine", "MockOptions", "rooms_mock"]


def __getattr__(name: str) -> Any:
    # Lazy: the pytest plugin imports this package in every test run of an environment.
    if name == "rooms_mock":
        from rooms_mock.responses_mock import rooms_mock

        return rooms_mock
    if name in ("MockEngine", "MockOptions"):
        from rooms_mock import engine

        return getattr(engine, name)
    raise AttributeError(name)
