"""Schemas as the comparer reads them: `allOf` merged, types and bounds extracted, patterns
classified; pure functions, no verdicts."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from typing import Any

from rooms.compat.change_report import Severity
from rooms.compat.openapi_resolve import Node, Resolver
from rooms.compat.openapi_schema_dialect import normalise_schema

# A rule fires through this: severity, rule id, the place inside the schema, a message.
Emit = Callable[[Severity, str, str, str], None]

# allOf nesting deeper than this is a cycle through allOf (a schema composed of itself).
_MAX_ALLOF_DEPTH = 32


class Direction(enum.StrEnum):
    """Who writes the data: in a request the client does, in a response the server does."""

    REQUEST = "request"
    RESPONSE = "response"


def kebab(keyword: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in keyword)


def flatten(resolver: Resolver, node: Node, depth: int = 0) -> dict[str, Node]:
    """The schema with `$ref` followed and `allOf` merged shallowly into one object schema.

    Merging makes "extract a base schema and compose it with allOf" compare equal to the flat
    schema it replaces; it unions properties and `required`, and takes any other keyword from
    the first schema that states it (enough for composition, not a full allOf intersection).
    """
    node = resolver.deref(node)
    if not isinstance(node, Mapping):
        return {}
    node = normalise_schema(node)
    if "allOf" not in node or depth > _MAX_ALLOF_DEPTH:
        return dict(node)
    merged: dict[str, Node] = {k: v for k, v in node.items() if k != "allOf"}
    properties: dict[str, Node] = dict(merged.get("properties") or {})
    required: list[str] = list(merged.get("required") or [])
    for member in node["allOf"] or []:
        part = flatten(resolver, member, depth + 1)
        for key, value in part.items():
            if key == "properties":
                for name, schema in (value or {}).items():
                    properties.setdefault(name, schema)
            elif key == "required":
                required += [name for name in value or [] if name not in required]
            else:
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def type_set(declared: str | tuple[str, ...]) -> frozenset[str]:
    """The types as a set, `number` standing for `integer` too (every integer is a number)."""
    types = {declared} if isinstance(declared, str) else set(declared)
    return frozenset(types | ({"integer"} if "number" in types else set()))


def implied_type(schema: Mapping[str, Node]) -> str | tuple[str, ...] | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        return declared
    if isinstance(declared, list):
        return tuple(sorted(map(str, declared)))  # 3.1: several types besides null
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


# Keyword pairs bounding a value from below or above; the second is the OpenAPI 3.0 boolean
# exclusivity flag where there is one.
LOWER_BOUNDS = (
    ("minimum", "exclusiveMinimum"),
    ("minLength", None),
    ("minItems", None),
    ("minProperties", None),
)
UPPER_BOUNDS = (
    ("maximum", "exclusiveMaximum"),
    ("maxLength", None),
    ("maxItems", None),
    ("maxProperties", None),
)


def bound(
    schema: Mapping[str, Node], keyword: str, flag: str | None, lower: bool
) -> tuple[float, bool]:
    value = schema.get(keyword)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return (-math.inf if lower else math.inf, False)
    return (float(value), bool(flag and schema.get(flag) is True))


def is_tighter(old: tuple[float, bool], new: tuple[float, bool], lower: bool) -> bool:
    """True when the new bound rejects a value the old one accepted."""
    if old[0] == new[0]:
        return new[1] and not old[1]
    return new[0] > old[0] if lower else new[0] < old[0]


def visible_properties(
    resolver: Resolver, schema: Mapping[str, Node], direction: Direction
) -> dict[str, Node]:
    """Properties that travel in this direction: readOnly ones are never sent by a client,
    writeOnly ones never returned by the server (OpenAPI 3.0, Schema Object)."""
    hidden = "readOnly" if direction is Direction.REQUEST else "writeOnly"
    properties = schema.get("properties") or {}
    return {
        name: prop
        for name, prop in properties.items()
        if flatten(resolver, prop).get(hidden) is not True
    }


def required_names(schema: Mapping[str, Node], visible: Mapping[str, Node]) -> set[str]:
    properties = schema.get("properties") or {}
    # A required name that is declared but hidden in this direction does not bind this side.
    return {
        name for name in schema.get("required") or [] if name in visible or name not in properties
    }


def render(value: Any) -> str:
    return repr(value) if not isinstance(value, str) else f"'{value}'"


# Patterns that every string matches under ECMA-262 search semantics (JSON Schema's): `.`
# stops at line breaks, but an unanchored or half-anchored `.*` still matches somewhere.
_MATCH_ALL = frozenset({"", ".*", "^.*", ".*$", "(.*)", "[\\s\\S]*", "^[\\s\\S]*$", "^[\\s\\S]*"})
# `^.*$` refuses a value holding a line break. It counts as match-all only against an old
# pattern that refused those too: anchored both ends and naming no class that admits one.
_LINE_BREAK_CLASSES = ("\\s", "\\S", "\\W", "\\D", "\\n", "\\r", "[^", "\\u", "\\x", "\\p", "\\P")


def effective_pattern(pattern: Node) -> str | None:
    """The pattern as a constraint: None when there is none or it matches every string."""
    if not isinstance(pattern, str) or pattern in _MATCH_ALL:
        return None
    return pattern


def refuses_line_breaks(pattern: str) -> bool:
    anchored = pattern.startswith("^") and pattern.endswith("$")
    return anchored and not any(token in pattern for token in _LINE_BREAK_CLASSES)


def describe_bound(bound: tuple[float, bool]) -> str:
    value, exclusive = bound
    if math.isinf(value):
        return "none"
    shown = int(value) if value.is_integer() else value
    return f"{shown} (exclusive)" if exclusive else str(shown)
