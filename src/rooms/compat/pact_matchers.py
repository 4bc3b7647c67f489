"""Pact matchers against the schema they stand in for: a matcher admits more than its example,
and what it admits must be what the spec allows, not only the example it carries.

In a request a matcher is what the consumer may send, so every value it admits must be one
the spec accepts: a `type` matcher on a bounded or enumerated value, an `integer` matcher on
`maximum: 100`, a regex with no upper length on `maxLength`, fail. In a response a matcher is
what the consumer is ready to read; it fails when it admits a different kind of value than
the schema (an `integer` matcher on a string, a `decimal` one on an integer, `null` where the
value is never null) or array lengths the schema rules out (`min: 0` on `minItems: 1`). A
`type` matcher on a response value promises nothing beyond its type, so bounds do not apply.
Matchers this check does not judge (dates, semver, content types...) are left to the example.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from rooms.compat.pact_spec_index import SpecIndex

Report = Callable[[str, str], None]

# Keywords that narrow the values of a type: a `type` matcher in a request ignores them.
_VALUE_CONSTRAINTS = (
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
)
_NUMERIC_CONSTRAINTS = (
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
)
# An unescaped `*`, `+` or `{n,}`: the regex matches strings of any length.
_UNBOUNDED = re.compile(r"(?<!\\)(?:[*+]|\{\d+,\})")
_TOKEN = re.compile(r"\.([^.\[\]]+)|\[\*\]|\[(\d+)\]|\['([^']+)'\]")


def rules_by_category(part: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(category, path, matcher) for every matcher of a request or response, V2 to V4."""
    rules = part.get("matchingRules") or {}
    for key, value in rules.items():
        if key.startswith("$."):  # V2: "$.body.price", "$.headers.ETag", "$.query.limit"
            category, _, rest = key[2:].partition(".")
            path = "$" + ("." + rest if rest and category == "body" else "")
            name = rest if category != "body" else path
            for matcher in _matchers(value):
                yield category.rstrip("s"), name, matcher  # headers -> header
            continue
        if key == "path":
            for matcher in _matchers(value):
                yield "path", "", matcher
            continue
        for path, entry in (value or {}).items():
            for matcher in _matchers(entry):
                yield key.rstrip("s"), path, matcher


def _matchers(entry: Any) -> list[dict[str, Any]]:
    if isinstance(entry, dict) and isinstance(entry.get("matchers"), list):
        return [m for m in entry["matchers"] if isinstance(m, dict)]
    return [entry] if isinstance(entry, dict) else []


def schema_at(index: SpecIndex, schema: Any, path: str) -> dict[str, Any] | None:
    """The schema a body matcher's path (`$.items[*].price`) lands on, or None."""
    node = _flat(index, schema)
    for name, number, quoted in (m.groups() for m in _TOKEN.finditer(path[1:])):
        if name is not None or quoted is not None:
            properties = node.get("properties") or {}
            key = name if name is not None else quoted
            if key in properties:
                node = _flat(index, properties[key])
            elif isinstance(node.get("additionalProperties"), dict):
                node = _flat(index, node["additionalProperties"])
            else:
                return None
        else:
            del number  # `[*]` and `[n]` both land on the items schema
            if "items" not in node:
                return None
            node = _flat(index, node["items"])
    return node


def _flat(index: SpecIndex, schema: Any) -> dict[str, Any]:
    schema = index.resolve(schema)
    if not isinstance(schema, dict):
        return {}
    merged = {k: v for k, v in schema.items() if k != "allOf"}
    for member in schema.get("allOf", []):
        part = _flat(index, member)
        merged["properties"] = {**part.get("properties", {}), **merged.get("properties", {})}
        for key, value in part.items():
            merged.setdefault(key, value)
    return merged


def check_matcher(
    matcher: dict[str, Any], schema: dict[str, Any], *, request: bool, where: str, report: Report
) -> None:
    """Report each way `matcher` admits a value `schema` forbids (see the module docstring)."""
    kind = str(matcher.get("match", ""))
    declared = schema.get("type")
    named = f"{kind} matcher at {where}"

    def fail(rule: str, message: str) -> None:
        report("matcher-admits-forbidden-values", f"{named}: {message} (schema {rule})")

    lengths = (matcher.get("min"), matcher.get("max"))
    if declared == "array" and (
        kind in {"type", "min", "max"} or any(x is not None for x in lengths)
    ):
        low, high = lengths
        if schema.get("minItems") is not None and (low or 0) < schema["minItems"]:
            fail(f"minItems {schema['minItems']}", f"admits arrays of {low or 0} items")
        if schema.get("maxItems") is not None and (high is None or high > schema["maxItems"]):
            shown = "any number of" if high is None else str(high)
            fail(f"maxItems {schema['maxItems']}", f"admits arrays of {shown} items")
        return
    if kind == "null" and schema.get("nullable") is not True:
        fail("is not nullable", "admits null")
    elif kind == "boolean" and declared not in (None, "boolean"):
        fail(f"type {declared}", "admits booleans")
    elif kind == "integer":
        if declared not in (None, "integer", "number"):
            fail(f"type {declared}", "admits integers")
        elif request:
            _bounds(schema, _NUMERIC_CONSTRAINTS, "admits every integer", fail)
    elif kind in {"decimal", "number"}:
        if declared not in (None, "number"):
            fail(f"type {declared}", "admits numbers with a fraction")
        elif request:
            _bounds(schema, _NUMERIC_CONSTRAINTS, "admits every number", fail)
    elif kind == "regex":
        regex = str(matcher.get("regex", ""))
        if _UNBOUNDED.search(regex):
            limits = ("maxLength", "maximum", "exclusiveMaximum", "enum")
            _bounds(schema, limits, f"regex {regex!r} admits values of any length", fail)
    elif kind == "type" and request:
        _bounds(schema, _VALUE_CONSTRAINTS, "admits every value of its type", fail)


def _bounds(schema: dict[str, Any], keywords: tuple[str, ...], admits: str, fail: Any) -> None:
    stated = [f"{keyword} {schema[keyword]!r}" for keyword in keywords if keyword in schema]
    if stated:
        fail(", ".join(stated), admits)
