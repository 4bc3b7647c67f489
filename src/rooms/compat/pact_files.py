"""Reading pact files the cross-check may trust: JSON, the structure the pact specification
gives them (V2 to V4), and the specification version read from their metadata.

A pact that is not JSON, lacks the members every pact has, or declares no version this check
reads is refused (`DocumentRefused`, the same refusal the OpenAPI documents get), never
checked as if it said nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs

from rooms.compat.openapi_document import MAX_ERRORS, DocumentRefused, Problem

SUPPORTED_MAJOR = ("2", "3", "4")
HTTP_INTERACTION = "Synchronous/HTTP"

_NAMED = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string", "minLength": 1}},
}
_HEADERS = {"type": "object", "additionalProperties": {"type": ["string", "array"]}}
# The members the pact specification (V2-V4) gives every pact and every HTTP interaction;
# matchers, generators and provider states are read where they are used.
_PACT_STRUCTURE: dict[str, Any] = {
    "type": "object",
    "required": ["consumer", "provider"],
    "properties": {
        "consumer": _NAMED,
        "provider": _NAMED,
        "metadata": {"type": "object"},
        "messages": {"type": "array", "items": {"type": "object"}},
        "interactions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["description"],
                "properties": {
                    "description": {"type": "string"},
                    "type": {"type": "string"},
                    "request": {
                        "type": "object",
                        "required": ["method", "path"],
                        "properties": {
                            "method": {"type": "string", "minLength": 1},
                            "path": {"type": "string", "pattern": "^/"},
                            "query": {"type": ["object", "string"]},
                            "headers": _HEADERS,
                            "matchingRules": {"type": "object"},
                        },
                    },
                    "response": {
                        "type": "object",
                        "properties": {
                            "status": {"type": "integer", "minimum": 100, "maximum": 599},
                            "headers": _HEADERS,
                            "matchingRules": {"type": "object"},
                        },
                    },
                },
                # An HTTP interaction (no type, or Synchronous/HTTP) has both halves.
                "if": {
                    "anyOf": [
                        {"not": {"required": ["type"]}},
                        {"properties": {"type": {"const": HTTP_INTERACTION}}},
                    ]
                },
                "then": {"required": ["request", "response"]},
            },
        },
    },
}
_VALIDATOR = jsonschema_rs.Draft7Validator(_PACT_STRUCTURE)


@dataclass(frozen=True)
class PactFile:
    path: Path
    version: str  # the pact specification version it declares, e.g. "4.0"
    content: dict[str, Any]

    def http_interactions(self) -> list[dict[str, Any]]:
        return [
            interaction
            for interaction in self.content.get("interactions") or []
            if interaction.get("type", HTTP_INTERACTION) == HTTP_INTERACTION
        ]


def pact_paths(arguments: Iterable[Path]) -> list[Path]:
    """Each argument is a pact file or a folder of them (`*.json`, not recursive)."""
    found: list[Path] = []
    for argument in arguments:
        if argument.is_dir():
            found += sorted(argument.glob("*.json"))
        else:
            found.append(argument)
    return found


def declared_pact_version(metadata: Any) -> str | None:
    if not isinstance(metadata, Mapping):
        return None
    for key in ("pactSpecification", "pact-specification"):
        spec = metadata.get(key)
        if isinstance(spec, Mapping) and spec.get("version") is not None:
            return str(spec["version"])
    version = metadata.get("pactSpecificationVersion")
    return None if version is None else str(version)


def load_pact(path: Path) -> PactFile:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentRefused(
            path, None, [Problem("$", f"cannot read the pact: {error}")]
        ) from error
    except (ValueError, RecursionError) as error:
        raise DocumentRefused(path, None, [Problem("$", f"not JSON: {error}")]) from error
    version = declared_pact_version(content.get("metadata") if isinstance(content, dict) else None)
    declared = None if version is None else f"Pact {version}"
    problems = [
        Problem(_json_path(error.instance_path), error.message)
        for _, error in zip(range(MAX_ERRORS), _VALIDATOR.iter_errors(content), strict=False)
    ]
    if problems:
        raise DocumentRefused(path, declared, problems)
    if version is None:
        problem = Problem("$.metadata", "no pactSpecification version: cannot tell how to read it")
        raise DocumentRefused(path, None, [problem])
    if version.split(".")[0] not in SUPPORTED_MAJOR:
        supported = ", ".join(f"{major}.x" for major in SUPPORTED_MAJOR)
        problem = Problem(
            "$.metadata", f"pact specification {version} is not read here ({supported})"
        )
        raise DocumentRefused(path, declared, [problem])
    return PactFile(path, version, content)


def _json_path(parts: Iterable[str | int]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
