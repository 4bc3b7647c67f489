"""Pacts against the OpenAPI contract, without running anything.

Every HTTP interaction of every pact must send a request the spec accepts and expect a
response the spec promises: a documented status, documented headers, and only members
the response schema defines, of the types it defines. (A consumer may read a subset of
a response; it may not rely on more.) Each finding names the pact, the interaction and
the rule broken.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

_IGNORED_HEADERS = {"content-type", "content-length"}


@dataclass(frozen=True)
class Finding:
    pact: str
    interaction: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.pact}: {self.interaction!r}: {self.rule}: {self.message}"


class SpecIndex:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.paths = [
            (
                re.compile(
                    "^" + re.sub(r"\\\{([^/]+?)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$"
                ),
                path,
            )
            for path in spec["paths"]
        ]

    @classmethod
    def load(cls, path: Path) -> SpecIndex:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def operation(
        self, method: str, path: str
    ) -> tuple[dict[str, Any], dict[str, str], list[dict[str, Any]]] | None:
        for pattern, template in self.paths:
            match = pattern.match(path)
            if match:
                item = self.spec["paths"][template]
                operation = item.get(method.lower())
                if operation is None:
                    return None
                parameters = [
                    self.resolve(p)
                    for p in item.get("parameters", []) + operation.get("parameters", [])
                ]
                return operation, match.groupdict(), parameters
        return None


def check_pacts(pact_dir: Path, spec_path: Path) -> list[Finding]:
    index = SpecIndex.load(spec_path)
    findings: list[Finding] = []
    for pact_file in sorted(pact_dir.glob("*.json")):
        pact = json.loads(pact_file.read_text(encoding="utf-8"))
        for interaction in pact.get("interactions", []):
            if interaction.get("type", "Synchronous/HTTP") != "Synchronous/HTTP":
                continue  # message interactions are Avro's business (fingerprints), not OpenAPI's
            findings += check_interaction(index, pact_file.name, interaction)
    return findings


def check_interaction(index: SpecIndex, pact: str, interaction: dict[str, Any]) -> list[Finding]:
    name = interaction.get("description", "?")
    request, response = interaction["request"], interaction["response"]
    found: list[Finding] = []

    def report(rule: str, message: str) -> None:
        found.append(Finding(pact, name, rule, message))

    located = index.operation(request["method"], request["path"])
    if located is None:
        report("unknown-operation", f"the spec has no {request['method']} {request['path']}")
        return found
    operation, path_values, parameters = located
    _check_request(index, operation, path_values, parameters, request, report)
    status = str(response.get("status", 200))
    documented = operation.get("responses", {})
    if status not in documented:
        report(
            "undocumented-status",
            f"{status} is not a documented response of {operation.get('operationId')}",
        )
        return found
    promised = index.resolve(documented[status])
    for header in response.get("headers") or {}:
        if header.lower() not in _IGNORED_HEADERS and header.lower() not in {
            h.lower() for h in promised.get("headers", {})
        }:
            report("undocumented-header", f"response header {header} is not promised with {status}")
    body = _body(response)
    if body is not None:
        schemas = {
            media: index.resolve(content.get("schema", {}))
            for media, content in promised.get("content", {}).items()
        }
        if not schemas:
            report("undocumented-body", f"{status} promises no body")
        else:
            schema = next(iter(schemas.values()))
            for where, message in _relied_on(index, schema, body, "$"):
                report("not-promised", f"{where}: {message}")
    return found


def _body(part: dict[str, Any]) -> Any:
    body = part.get("body")
    if not body:
        return None
    content = body.get("content") if isinstance(body, dict) and "content" in body else body
    if isinstance(content, str):
        try:
            return json.loads(content)
        except ValueError:
            return content
    return content


def _check_request(
    index: SpecIndex,
    operation: dict[str, Any],
    path_values: dict[str, str],
    parameters: list[dict[str, Any]],
    request: dict[str, Any],
    report: Any,
) -> None:
    query = request.get("query") or {}
    # Pact V4 keeps header values as lists.
    headers = {
        k.lower(): (v[0] if isinstance(v, list) and v else v)
        for k, v in (request.get("headers") or {}).items()
    }
    for parameter in parameters:
        where, name, schema = (
            parameter["in"],
            parameter["name"],
            index.resolve(parameter.get("schema", {})),
        )
        if where == "path":
            values = [path_values.get(name)]
        elif where == "query":
            values = list(query.get(name) or [])
        elif where == "header":
            raw = headers.get(name.lower())
            values = [] if raw is None else [raw]
        else:
            continue
        if not values and parameter.get("required"):
            report("missing-parameter", f"{where} parameter {name} is required")
        for value in values:
            coerced = _coerce(value, schema)
            if not _valid(index, schema, coerced):
                report("invalid-parameter", f"{where} parameter {name}={value!r} breaks its schema")
    declared = {p["name"] for p in parameters if p["in"] == "query"}
    for name in query:
        if name not in declared:
            report("unknown-parameter", f"query parameter {name} is not in the spec")
    body = _body(request)
    if "requestBody" in operation:
        content = index.resolve(operation["requestBody"]).get("content", {})
        media = (headers.get("content-type") or next(iter(content), "")).split(";")[0].strip()
        if media not in content:
            report(
                "unsupported-media-type",
                f"{media or 'no content type'} is not accepted; the spec takes {', '.join(content)}",
            )
        elif body is None and index.resolve(operation["requestBody"]).get("required"):
            report("missing-body", "the operation requires a body")
        elif body is not None and not _valid(
            index, index.resolve(content[media].get("schema", {})), body
        ):
            report("invalid-body", "the request body breaks the operation's schema")
    elif body is not None:
        report("unexpected-body", "the operation takes no body")


def _coerce(value: Any, schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "boolean":
            return {"true": True, "false": False}.get(str(value).lower(), value)
    except (TypeError, ValueError):
        return value
    return value


def _valid(index: SpecIndex, schema: dict[str, Any], value: Any) -> bool:
    from rooms.entrypoints.openapi_schema import to_json_schema

    root = {
        **to_json_schema(schema),
        "components": to_json_schema(index.spec.get("components", {}), root=False),
    }
    return bool(jsonschema_rs.Draft4Validator(root).is_valid(value))


def _relied_on(
    index: SpecIndex, schema: dict[str, Any], value: Any, where: str
) -> list[tuple[str, str]]:
    """Every member of `value` must be defined by `schema`, with a value it allows."""
    schema = index.resolve(schema)
    for combined in schema.get("allOf", []):
        schema = {**index.resolve(combined), **{k: v for k, v in schema.items() if k != "allOf"}}
    if isinstance(value, dict) and ("properties" in schema or schema.get("type") == "object"):
        problems: list[tuple[str, str]] = []
        properties = schema.get("properties", {})
        for key, member in value.items():
            if key not in properties:
                # Even where the schema tolerates extra members, none is promised.
                if not schema.get("additionalProperties"):
                    problems.append(
                        (f"{where}.{key}", "the response schema does not define this member")
                    )
                continue
            problems += _relied_on(index, properties[key], member, f"{where}.{key}")
        return problems
    if isinstance(value, list) and schema.get("type") == "array":
        problems = []
        for number, item in enumerate(value):
            problems += _relied_on(index, schema.get("items", {}), item, f"{where}[{number}]")
        return problems
    if not _valid(index, schema, value):
        return [(where, f"{value!r} is not what the schema allows")]
    return []
