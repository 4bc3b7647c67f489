"""What the event contract documents per message: its examples (and their sample bodies in
contracts/samples/), and which OpenAPI operations emit it (`x-emits`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from rooms.contract_files import openapi_path
from rooms_events.contract_files import asyncapi_path, samples_dir

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def body_digest(body: bytes) -> str:
    """A short, stable digest of a message body: recorded instead of the body itself."""
    return hashlib.sha256(body).hexdigest()[:16]


@dataclass(frozen=True)
class Message:
    name: str
    examples: dict[str, str | None]  # example name -> digest of its sample body (None: no sample)
    emitted_by: tuple[str, ...]  # operationIds whose x-emits name this message


class EventContractUnreadable(SystemExit):
    """The contracts cannot say which messages exist: the report stops and says why."""


def _x_emits() -> dict[str, list[str]]:
    """message name -> operationIds whose `x-emits` names it, from contracts/openapi.yaml."""
    spec: dict[str, Any] = yaml.safe_load(openapi_path().read_text(encoding="utf-8"))
    emitters: dict[str, list[str]] = {}
    for item in spec.get("paths", {}).values():
        for method, raw in item.items():
            if method in _METHODS and isinstance(raw, dict):
                for name in raw.get("x-emits", []):
                    emitters.setdefault(str(name), []).append(str(raw["operationId"]))
    return emitters


@cache
def messages() -> dict[str, Message]:
    path = asyncapi_path()
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    declared = (document.get("components") or {}).get("messages")
    if not isinstance(declared, dict) or not declared:
        raise EventContractUnreadable(f"{path}: no components.messages, so no message to cover")
    emitters = _x_emits()
    unknown = sorted(set(emitters) - set(declared))
    if unknown:
        raise EventContractUnreadable(
            f"{openapi_path()}: x-emits names {', '.join(unknown)}, not a message of {path}"
        )
    found: dict[str, Message] = {}
    for key, message in declared.items():
        name = str(message.get("name", key))
        examples: dict[str, str | None] = {}
        for example in message.get("examples", []):
            sample = samples_dir() / name / f"{example['name']}.bin"
            examples[str(example["name"])] = (
                body_digest(sample.read_bytes()) if sample.is_file() else None
            )
        found[name] = Message(name, examples, tuple(emitters.get(name, ())))
    return found
