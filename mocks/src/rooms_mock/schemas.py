"""OpenAPI 3.0 schemas compiled once into jsonschema-rs validators, for requests or responses.

OpenAPI 3.0 schemas are JSON Schema draft 4 plus a few keywords: `nullable: true` becomes
"or null"; `readOnly` members are not required in requests and `writeOnly` ones not in
responses (OpenAPI 3.0.3, Schema Object). Each direction gets its own converted copy of
`components/schemas`, so `$ref`s resolve to the right variant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import jsonschema_rs

from rooms_mock.spec import RefResolver

Direction = Literal["request", "response"]

# Keywords OpenAPI 3.0 adds to JSON Schema that a JSON Schema validator must not see.
_OPENAPI_ONLY = frozenset(
    {"nullable", "discriminator", "xml", "externalDocs", "example", "deprecated"}
)
# Keywords whose values are data, not schemas: never converted.
_DATA_KEYWORDS = frozenset({"enum", "default", "const", "examples"})


@dataclass(frozen=True, slots=True)
class Violation:
    """One way a request breaks the contract: where, which rule, and what was wrong."""

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
    """A validator compiled once; `violations` lists every error, not only the first."""

    __slots__ = ("_validator", "schema")

    def __init__(self, schema: Any, validator: Any) -> None:
        self.schema = schema
        self._validator = validator

    def is_valid(self, instance: Any) -> bool:
        return bool(self._validator.is_valid(instance))

    def violations(self, instance: Any, *, where: str, prefix: str = "") -> list[Violation]:
        found = []
        for error in self._validator.iter_errors(instance):
            rule = str(error.schema_path[-1]) if error.schema_path else "schema"
            location = (
                prefix + _pointer(error.instance_path) if prefix else _pointer(error.instance_path)
            )
            found.append(Violation(where, location or "/", rule, error.message))
        return found


class SchemaCompiler:
    """Converts and compiles the spec's schemas; the converted components are shared."""

    def __init__(self, resolver: RefResolver) -> None:
        self._resolver = resolver
        schemas = resolver.document.get("components", {}).get("schemas", {})
        self._components: dict[Direction, dict[str, Any]] = {
            direction: {"schemas": self.convert(schemas, direction, is_map=True)}
            for direction in ("request", "response")
        }

    def _hidden(self, schema: Any, direction: Direction) -> bool:
        resolved = self._resolver.resolve(schema)
        if not isinstance(resolved, dict):
            return False
        flag = "readOnly" if direction == "request" else "writeOnly"
        return resolved.get(flag) is True

    def convert(self, schema: Any, direction: Direction, *, is_map: bool = False) -> Any:
        """OpenAPI 3.0 schema -> JSON Schema draft 4 for one direction."""
        if isinstance(schema, list):
            return [self.convert(item, direction) for item in schema]
        if not isinstance(schema, dict):
            return schema
        if is_map:  # `properties` or `components/schemas`: names to schemas
            return {name: self.convert(value, direction) for name, value in schema.items()}
        converted: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _OPENAPI_ONLY:
                continue
            if key in _DATA_KEYWORDS:
                converted[key] = value
            elif key in ("properties", "patternProperties", "definitions"):
                converted[key] = self.convert(value, direction, is_map=True)
            else:
                converted[key] = self.convert(value, direction)
        properties = schema.get("properties")
        if isinstance(schema.get("required"), list) and isinstance(properties, dict):
            converted["required"] = [
                name
                for name in schema["required"]
                if name not in properties or not self._hidden(properties[name], direction)
            ]
            if not converted["required"]:
                del converted["required"]  # draft 4 refuses an empty `required`
        if schema.get("nullable") is True:
            return {"anyOf": [{"type": "null"}, converted]}
        return converted

    def compile(self, schema: Any, direction: Direction) -> CompiledSchema:
        converted = self.convert(schema, direction)
        if isinstance(converted, dict):
            # The components ride along as a sibling, so `#/components/schemas/...` resolves.
            root: Any = {**converted, "components": self._components[direction]}
        else:
            root = converted
        return CompiledSchema(schema, jsonschema_rs.Draft4Validator(root, validate_formats=True))
