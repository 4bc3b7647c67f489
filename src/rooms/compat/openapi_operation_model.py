"""What the OpenAPI comparer reads from a document: operations, their parameters, media types
and security requirements, keyed so that a rename a client cannot see compares as equal."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rooms.compat.openapi_resolve import Node, Resolver

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TEMPLATE_PARAMETER = re.compile(r"\{([^}/]*)\}")

ParameterKey = tuple[str, str]  # (in, name); header names compared case-insensitively


def path_shape(template: str) -> str:
    """`/rooms/{id}` and `/rooms/{roomId}` are the same path to a client."""
    return TEMPLATE_PARAMETER.sub("{}", template)


def parameter_key(parameter: Mapping[str, Node]) -> ParameterKey:
    where, name = str(parameter.get("in", "")), str(parameter.get("name", ""))
    return (where, name.lower() if where == "header" else name)


def media_type(name: str) -> str:
    return name.strip().lower()


@dataclass
class Operation:
    template: str
    method: str
    node: Mapping[str, Node]
    path_item: Mapping[str, Node]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"


def operations(resolver: Resolver, section: str = "paths") -> dict[tuple[str, str], Operation]:
    """The operations of `paths`, or of 3.1 `webhooks` (keyed by webhook name)."""
    found: dict[tuple[str, str], Operation] = {}
    for template, item in (resolver.document.get(section) or {}).items():
        path_item = resolver.deref(item)
        if not isinstance(path_item, Mapping):
            continue
        for method in HTTP_METHODS:
            operation = resolver.deref(path_item.get(method))
            if isinstance(operation, Mapping):
                key = (path_shape(str(template)), method)
                found.setdefault(key, Operation(str(template), method, operation, path_item))
    return found


def operation_parameters(
    resolver: Resolver, op: Operation
) -> dict[ParameterKey, Mapping[str, Node]]:
    """Path-level parameters overridden by operation-level ones, as OpenAPI says."""
    merged: dict[ParameterKey, Mapping[str, Node]] = {}
    for source in (op.path_item.get("parameters") or [], op.node.get("parameters") or []):
        for raw in source:
            parameter = resolver.deref(raw)
            if isinstance(parameter, Mapping):
                merged[parameter_key(parameter)] = parameter
    return merged


def parameter_schema(resolver: Resolver, parameter: Mapping[str, Node]) -> Node:
    if "schema" in parameter:
        return parameter["schema"]
    content = parameter.get("content") or {}
    for media in content.values():
        return media_schema(resolver, media)
    return {}


def media_schema(resolver: Resolver, media: Node) -> Node:
    media = resolver.deref(media)
    return media.get("schema", {}) if isinstance(media, Mapping) else {}


def security_alternatives(
    document: Mapping[str, Node], op: Operation
) -> list[dict[str, frozenset[str]]]:
    """The requirement alternatives in force; `[{}]` when anyone may call."""
    requirements = op.node.get("security", document.get("security"))
    if not requirements:
        return [{}]
    return [
        {scheme: frozenset(scopes or []) for scheme, scopes in (requirement or {}).items()}
        for requirement in requirements
    ]


def satisfies(held: Mapping[str, frozenset[str]], needed: Mapping[str, frozenset[str]]) -> bool:
    """A client holding the credentials of `held` also meets `needed`."""
    return all(scheme in held and scopes <= held[scheme] for scheme, scopes in needed.items())
