"""OpenAPI 3.1 schemas read with 3.1 semantics, by rewriting them into the 3.0 dialect the
validators and the generator speak: `const` as a one-value `enum`, numeric
`exclusiveMinimum`/`exclusiveMaximum` as draft 4's boolean form, `type: [T, "null"]` as
`nullable`. Example values are data and are never touched.
"""

from __future__ import annotations

from typing import Any

_SCHEMA_KEYS = frozenset({"schema", "schemas"})
_DATA_KEYS = frozenset({"enum", "default", "const", "examples", "example", "value"})


def is_31(document: dict[str, Any]) -> bool:
    return str(document.get("openapi", "")).startswith("3.1")


def to_30_dialect(document: dict[str, Any]) -> dict[str, Any]:
    _walk(document, in_schema=False)
    return document


def _walk(node: Any, *, in_schema: bool) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, in_schema=in_schema)
        return
    if not isinstance(node, dict):
        return
    if in_schema:
        _rewrite(node)
    for key, value in node.items():
        if in_schema and key in _DATA_KEYS:
            continue
        if not in_schema and key in ("example", "examples", "value"):
            continue
        _walk(value, in_schema=in_schema or key in _SCHEMA_KEYS)


def _rewrite(schema: dict[str, Any]) -> None:
    if "const" in schema:
        schema["enum"] = [schema.pop("const")]
    for exclusive, inclusive, sign in (
        ("exclusiveMinimum", "minimum", 1),
        ("exclusiveMaximum", "maximum", -1),
    ):
        bound = schema.get(exclusive)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            other = schema.get(inclusive)
            if other is None or sign * bound >= sign * other:  # the exclusive bound is tighter
                schema[inclusive] = bound
                schema[exclusive] = True
            else:
                del schema[exclusive]  # the inclusive bound is the tighter one
    kinds = schema.get("type")
    if isinstance(kinds, list):
        rest = [kind for kind in kinds if kind != "null"]
        if len(rest) < len(kinds):
            schema["nullable"] = True
        if len(rest) == 1:
            schema["type"] = rest[0]
        elif rest:
            schema["type"] = rest  # draft 4 takes a list; the generator picks one
        else:
            schema["type"] = "null"
