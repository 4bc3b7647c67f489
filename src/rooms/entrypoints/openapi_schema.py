"""OpenAPI 3.0 schemas turned into compiled JSON Schema validators, once per schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonschema_rs

# Keywords OpenAPI 3.0 adds to JSON Schema that a JSON Schema validator must not see.
_OPENAPI_ONLY = {"nullable", "discriminator", "xml", "externalDocs", "example", "deprecated"}


def to_json_schema(schema: Any, *, root: bool = True) -> Any:
    """OpenAPI 3.0 `nullable: true` becomes a JSON Schema that admits null; the rest passes.

    Only the root may carry `components` (for its $refs): connexion attaches the resolved
    components to every schema it hands out, and those copies refer to each other in a cycle.
    """
    if isinstance(schema, list):
        return [to_json_schema(item, root=False) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {
        key: (value if key in {"enum", "default"} else to_json_schema(value, root=False))
        for key, value in schema.items()
        if key not in _OPENAPI_ONLY and (root or key != "components")
    }
    if schema.get("nullable") is True:
        return {"anyOf": [{"type": "null"}, converted]}
    return converted


def component_schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    """A schema from `components/schemas` whose $refs resolve against the spec's components."""
    return {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}


@dataclass(frozen=True, slots=True)
class Violation:
    """One way a request (or response) breaks the contract."""

    where: str  # body, query, path, header, cookie
    location: str  # a JSON pointer into the body, or a parameter's name
    rule: str  # the schema keyword that failed
    message: str

    def as_json(self) -> dict[str, str]:
        return {
            "in": self.where,
            "location": self.location,
            "rule": self.rule,
            "message": self.message,
        }


def _pointer(path: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


class CompiledSchema:
    """A schema compiled once; `violations` lists every error, not just the first."""

    __slots__ = ("_validator",)

    def __init__(self, openapi_schema: dict[str, Any]) -> None:
        self._validator = jsonschema_rs.Draft4Validator(
            to_json_schema(openapi_schema), validate_formats=False
        )

    def is_valid(self, instance: Any) -> bool:
        return bool(self._validator.is_valid(instance))

    def violations(self, instance: Any, *, where: str, prefix: str = "") -> list[Violation]:
        found = []
        for error in self._validator.iter_errors(instance):
            rule = str(error.schema_path[-1]) if error.schema_path else "schema"
            location = _pointer(error.instance_path)
            found.append(
                Violation(
                    where, prefix + location if prefix else location or "/", rule, error.message
                )
            )
        return found


class SchemaCache:
    """Compiled validators keyed by the identity of the spec's own schema objects.

    connexion hands validators the same dict objects on every request, so identity is a
    free, exact key; the object is kept alive with its validator so an id is never reused.
    """

    def __init__(self) -> None:
        self._compiled: dict[int, tuple[dict[str, Any], CompiledSchema]] = {}

    def get(self, schema: dict[str, Any]) -> CompiledSchema:
        entry = self._compiled.get(id(schema))
        if entry is None or entry[0] is not schema:
            entry = (schema, CompiledSchema(schema))
            self._compiled[id(schema)] = entry
        return entry[1]


schema_cache = SchemaCache()
