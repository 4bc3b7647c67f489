"""The OpenAPI document as the pact cross-check looks things up in it: the operation a request
reaches, the response a status selects (exact, range or `default`), the media types each
accepts and declares, and schema validation of example values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from rooms.entrypoints.openapi_schema import to_json_schema


@dataclass(frozen=True)
class Located:
    """The operation a request reaches, its path values and its merged parameters."""

    operation: dict[str, Any]
    path_values: dict[str, str]
    parameters: list[dict[str, Any]]


def media_range_matches(accepted: str, media: str) -> bool:
    """Does one `Accept` range (`*/*`, `application/*`, `application/json`) admit `media`?"""
    wanted = accepted.split(";")[0].strip().lower()
    kind, _, sub = wanted.partition("/")
    offered_kind, _, offered_sub = media.split(";")[0].strip().lower().partition("/")
    return kind == "*" or (kind == offered_kind and sub in {"*", offered_sub})


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
            for path in spec.get("paths") or {}
        ]
        self._validators: dict[str, Any] = {}

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def operation(self, method: str, path: str) -> Located | None:
        for pattern, template in self.paths:
            match = pattern.match(path)
            if match:
                item = self.resolve(self.spec["paths"][template])
                operation = item.get(method.lower())
                if operation is None:
                    return None
                merged: dict[tuple[str, str], dict[str, Any]] = {}
                for raw in item.get("parameters", []) + operation.get("parameters", []):
                    parameter = self.resolve(raw)
                    merged[(parameter["in"], parameter["name"])] = parameter
                return Located(operation, match.groupdict(), list(merged.values()))
        return None

    def response(self, operation: dict[str, Any], status: int) -> tuple[str, dict[str, Any]] | None:
        """The response documented for `status`: exact, else its range (`4XX`), else `default`."""
        documented = {
            str(key).upper(): value for key, value in operation.get("responses", {}).items()
        }
        for key in (str(status), f"{str(status)[0]}XX", "DEFAULT"):
            if key in documented:
                return key.lower() if key == "DEFAULT" else key, self.resolve(documented[key])
        return None

    def security(self, operation: dict[str, Any]) -> list[dict[str, list[str]]]:
        requirements: list[dict[str, list[str]]] = operation.get(
            "security", self.spec.get("security", [])
        )
        return requirements

    def scheme(self, name: str) -> dict[str, Any]:
        schemes = (self.spec.get("components") or {}).get("securitySchemes") or {}
        scheme: dict[str, Any] = self.resolve(schemes.get(name, {}))
        return scheme

    def query_credentials(self) -> set[str]:
        """Query parameters that carry an `apiKey` credential: documented by the scheme."""
        schemes = (self.spec.get("components") or {}).get("securitySchemes") or {}
        return {
            str(scheme.get("name"))
            for scheme in map(self.resolve, schemes.values())
            if scheme.get("type") == "apiKey" and scheme.get("in") == "query"
        }

    def valid(self, schema: dict[str, Any], value: Any) -> bool:
        return bool(self.validator(schema).is_valid(value))

    def validator(self, schema: dict[str, Any]) -> Any:
        key = repr(schema)
        if key not in self._validators:
            if str(self.spec.get("openapi", "")).startswith("3.1"):
                # 3.1 schemas are JSON Schema 2020-12 already.
                root = {**schema, "components": self.spec.get("components", {})}
                self._validators[key] = jsonschema_rs.Draft202012Validator(root)
            else:
                root = {
                    **to_json_schema(schema),
                    "components": to_json_schema(self.spec.get("components", {}), root=False),
                }
                self._validators[key] = jsonschema_rs.Draft4Validator(root)
        return self._validators[key]
