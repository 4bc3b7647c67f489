"""What a successful stateful write did, for whoever listens (the event publisher, the fixture).

The store calls each listener after a write it accepted, with the body it answered and the
item before and after: `before` is None for a create, `after` is None for a delete.
Listeners must not raise; the HTTP answer has already been decided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Write:
    operation_id: str
    status: int
    body: Any  # the JSON answered (None for a 204)
    before: dict[str, Any] | None
    after: dict[str, Any] | None


WriteListener = Callable[[Write], None]
