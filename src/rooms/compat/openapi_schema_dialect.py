"""One model for schemas of both OpenAPI versions, so 3.0 and 3.1 spellings compare as equal.

OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0 schemas are an extended subset of draft 4.
The comparer reads the 3.0 model, so each 3.1 spelling is rewritten into the 3.0 one that
accepts exactly the same values:

- `type: [T, "null"]` is `type: T, nullable: true` (several non-null types stay a list);
- `anyOf`/`oneOf` of one schema and `{type: "null"}` is that schema, nullable;
- a numeric `exclusiveMinimum: 5` is `minimum: 5, exclusiveMinimum: true` (and for maximum),
  keeping whichever of `minimum` and the exclusive bound is tighter when both are given;
- `const: X` is `enum: [X]`;
- `unevaluatedProperties` is `additionalProperties` where that is absent: the comparer has
  already merged `allOf` members' properties, which is what "evaluated" means here.

`examples` and `example` are documentation in both versions and never compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_NULL = "null"


def _is_null_schema(node: Any) -> bool:
    return isinstance(node, Mapping) and (
        node.get("type") == _NULL or node.get("type") == [_NULL] or node.get("const", 1) is None
    )


def normalise_schema(node: Mapping[str, Any]) -> dict[str, Any]:
    """`node` in the comparer's (3.0) model; a 3.0 schema comes back unchanged."""
    schema = dict(node)
    declared = schema.get("type")
    if isinstance(declared, list):
        others = sorted({str(t) for t in declared if t != _NULL})
        if _NULL in declared and others:
            schema["nullable"] = True
        if len(others) == 1:
            schema["type"] = others[0]
        elif others:
            schema["type"] = others
        else:
            schema["type"] = _NULL
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if (
            isinstance(branches, list)
            and len(branches) == 2
            and any(map(_is_null_schema, branches))
        ):
            other = next(b for b in branches if not _is_null_schema(b))
            del schema[keyword]
            schema["allOf"] = [*(schema.get("allOf") or []), other]
            schema["nullable"] = True
    for bound, exclusive, tighter in (
        ("minimum", "exclusiveMinimum", max),
        ("maximum", "exclusiveMaximum", min),
    ):
        limit = schema.get(exclusive)
        if isinstance(limit, int | float) and not isinstance(limit, bool):
            inclusive = schema.get(bound)
            if (
                isinstance(inclusive, int | float)
                and inclusive != limit
                and tighter(inclusive, limit) == inclusive
            ):
                del schema[exclusive]  # the inclusive bound is the tighter one
                continue
            schema[bound], schema[exclusive] = limit, True
    if "const" in schema:
        schema["enum"] = [schema.pop("const")]
    if "unevaluatedProperties" in schema:
        unevaluated = schema.pop("unevaluatedProperties")
        schema.setdefault("additionalProperties", unevaluated)
    return schema
