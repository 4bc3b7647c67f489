"""What contracts/openapi.yaml documents per operation: statuses, media types, parameters,
examples and links, and how a request's method and path find their operation.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rooms.contract_files import openapi_path

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def fingerprint(value: object) -> str:
    """A short, stable digest of a JSON value: recorded instead of the value itself."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Link:
    name: str
    status: str
    target: str  # operationId
    # target parameter -> runtime expression on the source response
    parameters: dict[str, str]


@dataclass
class Operation:
    operation_id: str
    method: str
    path: str
    statuses: list[str]  # documented, `default` excluded
    request_types: list[str]
    response_types: dict[str, list[str]]  # status -> media types
    parameters: list[tuple[str, str]]  # (in, name)
    parameter_examples: dict[str, str]  # "in:name" -> fingerprint
    request_examples: dict[str, str]  # example name -> fingerprint of its value
    response_examples: dict[str, str]  # "status example-name" -> fingerprint
    links: list[Link] = field(default_factory=list)


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _examples(spec: dict[str, Any], media: dict[str, Any]) -> dict[str, str]:
    found = {
        name: fingerprint(_resolve(spec, example)["value"])
        for name, example in media.get("examples", {}).items()
        if "value" in _resolve(spec, example)
    }
    if "example" in media:
        found["example"] = fingerprint(media["example"])
    return found


@cache
def operations(path: Path | None = None) -> dict[str, Operation]:
    spec: dict[str, Any] = yaml.safe_load((path or openapi_path()).read_text(encoding="utf-8"))
    found: dict[str, Operation] = {}
    for template, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, raw in item.items():
            if method not in _METHODS:
                continue
            parameters = [_resolve(spec, p) for p in [*shared, *raw.get("parameters", [])]]
            body = _resolve(spec, raw.get("requestBody", {}))
            responses = {code: _resolve(spec, r) for code, r in raw.get("responses", {}).items()}
            operation = Operation(
                operation_id=raw["operationId"],
                method=method.upper(),
                path=template,
                statuses=[code for code in responses if code != "default"],
                request_types=list(body.get("content", {})),
                response_types={
                    code: list(response.get("content", {})) for code, response in responses.items()
                },
                parameters=[(p["in"], p["name"]) for p in parameters],
                parameter_examples={
                    f"{p['in']}:{p['name']}": fingerprint(p["example"])
                    for p in parameters
                    if "example" in p
                },
                request_examples={
                    f"{media_type} {name}": digest
                    for media_type, media in body.get("content", {}).items()
                    for name, digest in _examples(spec, media).items()
                },
                response_examples={
                    f"{code} {name}": digest
                    for code, response in responses.items()
                    for media in response.get("content", {}).values()
                    for name, digest in _examples(spec, media).items()
                },
                links=[
                    Link(name, code, link["operationId"], dict(link.get("parameters", {})))
                    for code, response in responses.items()
                    for name, link in response.get("links", {}).items()
                ],
            )
            found[operation.operation_id] = operation
    return found


@cache
def _routes() -> list[tuple[re.Pattern[str], str, Operation]]:
    routes = []
    for operation in operations().values():
        pattern = re.sub(r"\\{([^/]+?)\\}", r"(?P<\1>[^/]+)", re.escape(operation.path))
        routes.append((re.compile(f"^{pattern}$"), operation.method, operation))
    return routes


def find_operation(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    """The operation a request is for, and its path parameters (None for undocumented ones)."""
    for pattern, route_method, operation in _routes():
        match = pattern.match(path)
        if match and route_method == method.upper():
            return operation, match.groupdict()
    return None
