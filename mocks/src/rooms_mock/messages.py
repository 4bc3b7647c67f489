"""What flows through the mock: its options, a request, a response, and a refusal.

Plain data with no behaviour beyond reading itself, so every other module may import it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rooms_mock.schemas import Violation


@dataclass(frozen=True, slots=True)
class MockOptions:
    dynamic: bool = False
    stateful: bool = False
    seed: int = 0
    # Empty: any non-empty key is accepted; else only these.
    api_keys: frozenset[str] = frozenset()
    # Members that must be unique among a resource's items (added to those the spec implies).
    unique: tuple[str, ...] = ()
    # The rooms service's own limit, so the mock refuses what the service would (64 KiB).
    max_body_bytes: int = 64 * 1024
    # Where the contract's paths are served: None for the path of the spec's first server URL.
    base_path: str | None = None


@dataclass(slots=True)
class MockRequest:
    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)  # names in lower case
    body: bytes = b""


@dataclass(slots=True)
class MockResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    operation_id: str | None = None
    # What the request broke (empty when it kept the contract), for strict mode and the journal.
    violations: tuple[Violation, ...] = ()
    # How the answer was chosen (`example firstPage`, `dynamic`, `state`, `problem`): the journal's.
    origin: str = "state"

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(slots=True)
class ParsedRequest:
    """What the checks read from a request, for the stateful handlers."""

    request: MockRequest
    path_params: dict[str, Any]
    query: dict[str, Any]
    body: Any
    media_type: str | None
    violations: list[Violation] = field(default_factory=list)


class Refused(Exception):
    """A request the checks stop early (no key, an unsupported media type): the engine turns it
    into a problem with the first of `statuses` the operation documents."""

    def __init__(
        self, statuses: tuple[int, ...], detail: str, *, where: str, location: str, rule: str
    ) -> None:
        super().__init__(detail)
        self.statuses = statuses
        self.detail = detail
        self.violation = Violation(where, location, rule, detail)


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class _Missing:
    pass


MISSING: Any = _Missing()  # a parameter the request does not carry
NO_BODY: Any = _Missing()  # an answer without a body
