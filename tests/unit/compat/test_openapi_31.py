"""OpenAPI 3.1 in the guard: a 3.0 contract converted to 3.1 is unchanged, and each JSON Schema
2020-12 keyword that changes what is accepted gets the right verdict."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from rooms.compat.change_report import Change, Severity, worst_severity
from rooms.compat.openapi_diff import diff_openapi
from rooms.compat.openapi_document import load_openapi
from rooms.contract_files import openapi_path
from rooms.entrypoints.cli import main

TODAY = dt.date(2026, 6, 1)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "not", "schema")


def to_31_schema(schema: Any) -> Any:
    """One 3.0 schema as 3.1 writes it, accepting exactly the same values."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":
            out[key] = {name: to_31_schema(prop) for name, prop in value.items()}
        elif key in _SCHEMA_LISTS:
            out[key] = [to_31_schema(item) for item in value]
        elif key in _SCHEMA_VALUES:
            out[key] = to_31_schema(value)
        else:
            out[key] = value
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if out.get(exclusive) is True:
            out[exclusive] = out.pop(bound)
        elif exclusive in out:
            del out[exclusive]
    if "example" in out:
        out["examples"] = [out.pop("example")]
    return out


def to_31(document: dict[str, Any]) -> dict[str, Any]:
    """The whole document: every schema position rewritten, the version bumped."""
    converted = copy.deepcopy(document)
    converted["openapi"] = "3.1.0"

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: to_31_schema(value) if key == "schema" else walk(value)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    converted = walk(converted)
    schemas = converted.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        schemas[name] = to_31_schema(schema)
    return converted


def contract() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(openapi_path().read_text(encoding="utf-8"))
    return document


def test_the_project_contract_converted_to_31_reports_no_change_at_all(tmp_path: Path) -> None:
    converted = to_31(contract())
    assert "nullable" not in json.dumps(converted)  # the conversion did something
    head = tmp_path / "openapi-3.1.yaml"
    head.write_text(yaml.safe_dump(converted), encoding="utf-8")
    assert load_openapi(head).version == "3.1"  # valid 3.1, by the validator
    changes = diff_openapi(contract(), converted, TODAY)
    assert changes == [], "\n".join(map(str, changes))
    result = CliRunner().invoke(main, ["contracts", "diff", str(openapi_path()), str(head)])
    assert result.exit_code == 0, result.output
    assert "verdict: unchanged" in result.output


def test_a_real_change_hidden_in_the_conversion_is_still_found() -> None:
    converted = to_31(contract())
    patch = converted["components"]["schemas"]["RoomPatch"]["properties"]
    patch["description"]["type"] = "string"  # null no longer accepted in the merge patch
    rules = {change.rule for change in diff_openapi(contract(), converted, TODAY)}
    assert rules == {"request-nullable-removed"}


def _doc(version: str, schema: dict[str, Any], where: str) -> dict[str, Any]:
    media = {"application/json": {"schema": schema}}
    if where == "request":
        operation = {"requestBody": {"content": media}, "responses": {"204": {"description": "ok"}}}
    else:
        operation = {"responses": {"200": {"description": "ok", "content": media}}}
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {"/r": {"post": operation}},
    }


def _verdict(changes: list[Change]) -> str:
    worst = worst_severity(changes)
    return "unchanged" if worst is None else {Severity.INFO: "compatible"}.get(worst, worst.value)


EQUIVALENT_30_31 = [
    ({"type": "string", "nullable": True}, {"type": ["string", "null"]}),
    (
        {"type": "integer", "minimum": 1, "exclusiveMinimum": True},
        {"type": "integer", "exclusiveMinimum": 1},
    ),
    (
        {"type": "number", "maximum": 9, "exclusiveMaximum": True},
        {"type": "number", "exclusiveMaximum": 9},
    ),
    ({"type": "string", "enum": ["a"]}, {"type": "string", "const": "a"}),
    ({"type": "string", "example": "x"}, {"type": "string", "examples": ["x"]}),
    (
        {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False},
        {"type": "object", "properties": {"a": {"type": "string"}}, "unevaluatedProperties": False},
    ),
]


@pytest.mark.parametrize(("schema_30", "schema_31"), EQUIVALENT_30_31)
@pytest.mark.parametrize("where", ["request", "response"])
def test_30_and_31_spellings_of_the_same_schema_compare_equal(
    schema_30: dict[str, Any], schema_31: dict[str, Any], where: str
) -> None:
    assert (
        diff_openapi(_doc("3.0.3", schema_30, where), _doc("3.1.0", schema_31, where), TODAY) == []
    )
    assert (
        diff_openapi(_doc("3.1.0", schema_31, where), _doc("3.0.3", schema_30, where), TODAY) == []
    )


STRING = {"type": "string"}
OBJ_AB = {"type": "object", "properties": {"a": STRING, "b": STRING}}
# (base 3.1 schema, head 3.1 schema, where, verdict, rule)
KEYWORD_CHANGES = [
    ({"type": ["string", "null"]}, STRING, "request", "breaking", "request-nullable-removed"),
    (STRING, {"type": ["string", "null"]}, "request", "compatible", "request-became-nullable"),
    (STRING, {"type": ["string", "null"]}, "response", "breaking", "response-became-nullable"),
    (STRING, {"type": ["string", "integer"]}, "request", "compatible", "request-type-changed"),
    ({"type": ["string", "integer"]}, STRING, "request", "breaking", "request-type-changed"),
    (STRING, {"type": ["string", "integer"]}, "response", "breaking", "response-type-changed"),
    (
        {"type": "integer", "exclusiveMinimum": 0},
        {"type": "integer", "exclusiveMinimum": 1},
        "request",
        "breaking",
        "request-minimum-tightened",
    ),
    (
        {"type": "integer", "minimum": 0},
        {"type": "integer", "exclusiveMinimum": 0},
        "request",
        "breaking",
        "request-minimum-tightened",
    ),
    (
        {"type": "integer", "exclusiveMaximum": 10},
        {"type": "integer", "maximum": 10},
        "request",
        "compatible",
        "request-maximum-loosened",
    ),
    (
        {"type": "string", "const": "a"},
        {"type": "string", "const": "b"},
        "request",
        "breaking",
        "request-enum-value-removed",
    ),
    (
        {"type": "string", "const": "a"},
        {"type": "string", "enum": ["a", "b"]},
        "response",
        "warning",
        "response-enum-value-added",
    ),
    (
        {"type": "array", "prefixItems": [STRING]},
        {"type": "array", "prefixItems": [STRING, {"type": "integer"}]},
        "request",
        "breaking",
        "request-type-added",
    ),
    (
        {"type": "array", "prefixItems": [STRING]},
        {"type": "array", "prefixItems": [{"type": "integer"}]},
        "response",
        "breaking",
        "response-type-changed",
    ),
    (
        OBJ_AB,
        {**OBJ_AB, "dependentRequired": {"a": ["b"]}},
        "request",
        "breaking",
        "request-dependent-required-added",
    ),
    (
        {**OBJ_AB, "dependentRequired": {"a": ["b"]}},
        OBJ_AB,
        "response",
        "warning",
        "response-dependent-required-removed",
    ),
    (
        OBJ_AB,
        {**OBJ_AB, "unevaluatedProperties": False},
        "request",
        "breaking",
        "request-additional-properties-forbidden",
    ),
    (
        {**OBJ_AB, "unevaluatedProperties": False},
        OBJ_AB,
        "response",
        "warning",
        "response-additional-properties-allowed",
    ),
    (
        {"type": "object", "properties": {"p": {"$ref": "#/components/schemas/S"}}},
        {"type": "object", "properties": {"p": {"$ref": "#/components/schemas/S", "maxLength": 3}}},
        "request",
        "breaking",
        "request-max-length-tightened",
    ),
]


@pytest.mark.parametrize(("base", "head", "where", "verdict", "rule"), KEYWORD_CHANGES)
def test_a_31_keyword_change_gets_its_verdict(
    base: dict[str, Any], head: dict[str, Any], where: str, verdict: str, rule: str
) -> None:
    old, new = _doc("3.1.0", base, where), _doc("3.1.0", head, where)
    for document in (old, new):
        document["components"] = {"schemas": {"S": STRING}}
    changes = diff_openapi(old, new, TODAY)
    reported = "\n".join(map(str, changes))
    assert _verdict(changes) == verdict, reported
    assert rule in {change.rule for change in changes}, reported


def test_ref_siblings_are_ignored_in_30_as_its_spec_says() -> None:
    base = {"type": "object", "properties": {"p": {"$ref": "#/components/schemas/S"}}}
    head = {
        "type": "object",
        "properties": {"p": {"$ref": "#/components/schemas/S", "maxLength": 3}},
    }
    old, new = _doc("3.0.3", base, "request"), _doc("3.0.3", head, "request")
    for document in (old, new):
        document["components"] = {"schemas": {"S": STRING}}
    assert diff_openapi(old, new, TODAY) == []


def _webhook(
    payload: dict[str, Any], answer: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "requestBody": {"content": {"application/json": {"schema": payload}}},
        "responses": {"200": {"description": "ok"}},
        **extra,
    }
    if answer is not None:
        operation["responses"]["200"]["content"] = {"application/json": {"schema": answer}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "webhooks": {"roomCreated": {"post": operation}},
    }


ROOM = {"type": "object", "properties": {"id": STRING}, "required": ["id"]}


@pytest.mark.parametrize(
    ("base", "head", "verdict", "rule"),
    [
        # The payload is the provider's to write: what it may send must not grow.
        (
            _webhook(ROOM),
            _webhook({**ROOM, "required": []}),
            "breaking",
            "response-property-became-optional",
        ),
        (
            _webhook(STRING),
            _webhook({"type": ["string", "null"]}),
            "breaking",
            "response-became-nullable",
        ),
        (
            _webhook({"type": ["string", "null"]}),
            _webhook(STRING),
            "compatible",
            "response-nullable-removed",
        ),
        # The answer is the consumer's to write: what the provider accepts must not shrink.
        (
            _webhook(STRING, STRING),
            _webhook(STRING, {"type": "string", "maxLength": 3}),
            "breaking",
            "request-max-length-tightened",
        ),
        (
            _webhook(STRING),
            {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "webhooks": {}},
            "breaking",
            "webhook-removed-without-deprecation",
        ),
        (
            _webhook(STRING, deprecated=True, **{"x-sunset": "2026-01-01"}),
            {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "webhooks": {}},
            "compatible",
            "webhook-removed-after-sunset",
        ),
        (
            {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "webhooks": {}},
            _webhook(STRING),
            "compatible",
            "webhook-added",
        ),
    ],
)
def test_webhooks_are_compared_like_operations_with_directions_swapped(
    base: dict[str, Any], head: dict[str, Any], verdict: str, rule: str
) -> None:
    changes = diff_openapi(base, head, TODAY)
    reported = "\n".join(map(str, changes))
    assert _verdict(changes) == verdict, reported
    assert rule in {change.rule for change in changes}, reported


def _with_callback(payload: dict[str, Any]) -> dict[str, Any]:
    callback = {
        "{$request.body#/url}": {
            "post": {
                "requestBody": {"content": {"application/json": {"schema": payload}}},
                "responses": {"200": {"description": "ok"}},
            }
        }
    }
    operation = {
        "callbacks": {"roomChanged": callback},
        "responses": {"202": {"description": "ok"}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/subscriptions": {"post": operation}},
    }


def test_callbacks_are_compared_with_the_payload_as_the_providers_response() -> None:
    changes = diff_openapi(_with_callback(ROOM), _with_callback({**ROOM, "required": []}), TODAY)
    assert _verdict(changes) == "breaking"
    [change] = changes
    assert change.rule == "response-property-became-optional"
    assert change.location.startswith("POST /subscriptions callback roomChanged")
    looser_reader = diff_openapi(
        _with_callback(ROOM),
        _with_callback({**ROOM, "properties": {**ROOM["properties"], "x": STRING}}),
        TODAY,
    )
    assert _verdict(looser_reader) == "compatible"


@pytest.mark.parametrize(
    ("base", "head"),
    [
        ({"type": "string", "not": {"enum": ["a"]}}, {"type": "string", "not": {"enum": ["b"]}}),
        ({"type": "array", "contains": STRING}, {"type": "array", "contains": {"type": "integer"}}),
        ({"type": "object"}, {"type": "object", "patternProperties": {"^x": STRING}}),
        (
            {"type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]}},
            {"type": "object"},
        ),
    ],
)
def test_a_keyword_no_rule_judges_is_a_warning_naming_it_never_unchanged(
    base: dict[str, Any], head: dict[str, Any]
) -> None:
    changes = diff_openapi(_doc("3.1.0", base, "request"), _doc("3.1.0", head, "request"), TODAY)
    assert {(change.rule, change.severity) for change in changes} == {
        ("request-keyword-not-judged", "warning")
    }
    changed = {k for k in base.keys() | head.keys() if base.get(k) != head.get(k)}
    assert {change.message.split()[0] for change in changes} == changed
