"""Which messages each write operation emits: the `x-emits` lists of the OpenAPI document.

The contract states it once (`x-emits: [RoomCreated]` on `createRoom`); the mock reads it
from the spec it serves, so a message added there is published without a change here.
"""

from __future__ import annotations

from typing import Any

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class EmitsError(ValueError):
    """The spec's `x-emits` cannot be read."""


def _names(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise EmitsError(f"{where}: x-emits must be a list of message names, not {value!r}")
    names: list[str] = []
    for entry in value:
        # Either a name, or an object naming the message (`{message: RoomCreated, ...}`).
        name = entry.get("message") if isinstance(entry, dict) else entry
        if isinstance(name, dict):  # a $ref-style pointer: `{$ref: '...#/messages/RoomCreated'}`
            name = str(name.get("$ref", "")).rsplit("/", 1)[-1] or None
        if not isinstance(name, str) or not name:
            raise EmitsError(f"{where}: x-emits entry {entry!r} names no message")
        names.append(name)
    return tuple(names)


def emitted_messages(document: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """operationId -> the messages a successful call of it emits, in the order they are sent."""
    found: dict[str, tuple[str, ...]] = {}
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict) or "x-emits" not in operation:
                continue
            operation_id = operation.get("operationId") or f"{method.upper()} {path}"
            found[operation_id] = _names(operation["x-emits"], f"{method.upper()} {path}")
    return found
