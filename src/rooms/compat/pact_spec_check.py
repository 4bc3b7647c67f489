"""Pacts against the OpenAPI contract, without running anything.

Every HTTP interaction of every pact must send a request the spec accepts and expect a
response the spec promises: a documented status (exact, range or `default`), documented
headers and media types, credentials one of the operation's security requirements accepts,
only members the response schema defines, of the types it defines, and matchers that admit
no value the schema forbids. (A consumer may read a subset of a response; it may not rely on
more.) Each finding names the pact, the interaction and the rule broken; a finding that the
provider tolerates (an undocumented query parameter it ignores) is a warning, not a failure.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from rooms.compat.openapi_document import DocumentRefused, Problem, load_openapi
from rooms.compat.pact_files import load_pact, pact_paths
from rooms.compat.pact_matchers import check_matcher, rules_by_category, schema_at
from rooms.compat.pact_security import check_security
from rooms.compat.pact_spec_index import SpecIndex, media_range_matches

_IGNORED_HEADERS = {"content-type", "content-length"}
# An operation (or the document) with this extension refuses query parameters it does not
# list; without it the provider ignores them, and relying on one is only a warning.
STRICT_QUERY = "x-strict-query-parameters"


@dataclass(frozen=True)
class Finding:
    pact: str
    interaction: str
    rule: str
    message: str
    severity: str = "error"  # "warning": reported, but the pact still passes

    @property
    def fails(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        marker = "" if self.fails else " (warning)"
        return f"{self.pact}: {self.interaction!r}: {self.rule}{marker}: {self.message}"

    def as_json(self) -> dict[str, str]:
        return {
            "pact": self.pact,
            "interaction": self.interaction,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }


def check_pacts(pacts: Path | Sequence[Path], spec_path: Path) -> list[Finding]:
    """Every finding of every HTTP interaction; refuses (DocumentRefused) an unreadable input."""
    index = SpecIndex(load_openapi(spec_path).content)
    files = pact_paths([pacts] if isinstance(pacts, Path) else pacts)
    loaded = [load_pact(path) for path in files]  # refuse before judging anything
    findings: list[Finding] = []
    for pact in loaded:
        for interaction in pact.http_interactions():
            # Message interactions are Avro's business (fingerprints), not OpenAPI's.
            try:
                findings += check_interaction(index, pact.path.name, interaction)
            except RecursionError as error:
                problem = Problem("$.interactions", "a body nested too deeply to check")
                raise DocumentRefused(pact.path, f"Pact {pact.version}", [problem]) from error
    return findings


def check_interaction(index: SpecIndex, pact: str, interaction: dict[str, Any]) -> list[Finding]:
    name = interaction.get("description", "?")
    request, response = interaction["request"], interaction["response"]
    found: list[Finding] = []

    def report(rule: str, message: str, severity: str = "error") -> None:
        found.append(Finding(pact, name, rule, message, severity))

    located = index.operation(request["method"], request["path"])
    if located is None:
        report("unknown-operation", f"the spec has no {request['method']} {request['path']}")
        return found
    operation = located.operation
    status = int(response.get("status", 200))
    _check_request(
        index, located.operation, located.path_values, located.parameters, request, report
    )
    if status not in (401, 403):  # a pact about refused credentials sends bad ones on purpose
        check_security(index, operation, _headers(request), _query(request), report)
    documented = index.response(operation, status)
    if documented is None:
        report(
            "undocumented-status",
            f"{status} is not a documented response of {operation.get('operationId')}",
        )
        return found
    key, promised = documented
    for header in response.get("headers") or {}:
        if header.lower() not in _IGNORED_HEADERS and header.lower() not in {
            h.lower() for h in promised.get("headers", {})
        }:
            report("undocumented-header", f"response header {header} is not promised with {key}")
    content = promised.get("content", {})
    accept = _headers(request).get("accept")
    if (
        accept
        and content
        and not any(
            media_range_matches(wanted, media) for wanted in accept.split(",") for media in content
        )
    ):
        report(
            "unsatisfiable-accept", f"Accept {accept} matches none of {', '.join(content)} ({key})"
        )
    body = _body(response)
    media = _content_type(response)
    if body is None and media is None:
        return found
    if not content:
        report("undocumented-body", f"{key} promises no body")
        return found
    if media is not None and media not in {m.split(";")[0].strip().lower() for m in content}:
        report(
            "undocumented-media-type",
            f"{key} is not promised as {media}; the spec gives {', '.join(content)}",
        )
        return found
    chosen = next((c for m, c in content.items() if m.split(";")[0].strip().lower() == media), None)
    schema = index.resolve((chosen or next(iter(content.values()))).get("schema", {}))
    if body is not None:
        for where, message in _relied_on(index, schema, body, "$"):
            report("not-promised", f"{where}: {message}")
    _check_matchers(index, response, schema, None, request=False, report=report)
    return found


def _headers(part: dict[str, Any]) -> dict[str, str]:
    # Pact V4 keeps header values as lists.
    return {
        str(k).lower(): str(v[0] if isinstance(v, list) and v else v)
        for k, v in (part.get("headers") or {}).items()
    }


def _query(request: dict[str, Any]) -> dict[str, list[str]]:
    query = request.get("query") or {}
    if isinstance(query, str):  # Pact V2: "limit=2&city=Lisbon"
        return {k: list(v) for k, v in parse_qs(query, keep_blank_values=True).items()}
    return {str(k): [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in query.items()}


def _content_type(part: dict[str, Any]) -> str | None:
    body = part.get("body")
    declared = _headers(part).get("content-type")
    if declared is None and isinstance(body, dict) and isinstance(body.get("contentType"), str):
        declared = body["contentType"]  # Pact V4 keeps it beside the body
    return declared.split(";")[0].strip().lower() if declared else None


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
    query, headers = _query(request), _headers(request)
    for parameter in parameters:
        where, name = parameter["in"], parameter["name"]
        schema = index.resolve(parameter.get("schema", {}))
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
            if not index.valid(schema, _coerce(value, schema)):
                report("invalid-parameter", f"{where} parameter {name}={value!r} breaks its schema")
    declared = {p["name"] for p in parameters if p["in"] == "query"} | index.query_credentials()
    strict = operation.get(STRICT_QUERY, index.spec.get(STRICT_QUERY)) is True
    for name in query:
        if name not in declared:
            if strict:
                report(
                    "unknown-parameter",
                    f"query parameter {name} is not in the spec, which refuses others",
                )
            else:
                report(
                    "undocumented-query-parameter",
                    f"query parameter {name} is not in the spec: the provider ignores it",
                    "warning",
                )
    body = _body(request)
    media = _content_type(request)
    if "requestBody" in operation:
        described = index.resolve(operation["requestBody"])
        content = described.get("content", {})
        declared_media = {m.split(";")[0].strip().lower(): m for m in content}
        if body is None:
            if described.get("required"):
                report("missing-body", "the operation requires a body")
        elif media is None or media not in declared_media:
            report(
                "unsupported-media-type",
                f"{media or 'no Content-Type'} is not accepted; the spec takes {', '.join(content)}",
            )
        else:
            schema = index.resolve(content[declared_media[media]].get("schema", {}))
            if not index.valid(schema, body):
                report("invalid-body", "the request body breaks the operation's schema")
            _check_matchers(index, request, schema, parameters, request=True, report=report)
            return
    elif body is not None:
        report("unexpected-body", "the operation takes no body")
    _check_matchers(index, request, {}, parameters, request=True, report=report)


def _check_matchers(
    index: SpecIndex,
    part: dict[str, Any],
    body_schema: Any,
    parameters: list[dict[str, Any]] | None,
    *,
    request: bool,
    report: Any,
) -> None:
    by_name = {(p["in"], p["name"].lower()): p for p in parameters or []}
    for category, path, matcher in rules_by_category(part):
        if category == "body":
            schema = schema_at(index, body_schema, path) if body_schema else None
            where = f"body {path}"
        elif category in {"query", "header"} and request:
            parameter = by_name.get((category, path.lower()))
            schema = index.resolve(parameter.get("schema", {})) if parameter else None
            where = f"{category} {path}"
        else:
            continue  # response headers and paths: the examples are checked instead
        if schema:
            check_matcher(matcher, schema, request=request, where=where, report=report)


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
    if not index.valid(schema, value):
        return [(where, f"{value!r} is not what the schema allows")]
    return []
