"""Loading an OpenAPI document and following its local `$ref`s, so a refactor into or out of
`components` is invisible to the comparison."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from rooms.compat.openapi_schema_dialect import normalise_schema

Node = Any  # a parsed YAML/JSON value: dict, list, str, int, float, bool or None

# Keys that document a schema or an operation without constraining a single byte on the wire.
DOCUMENTATION_KEYS = frozenset(
    {"description", "summary", "title", "example", "examples", "externalDocs", "xml", "tags"}
)


class SpecError(ValueError):
    """The document cannot be compared: unreadable, not a mapping, or a `$ref` to nowhere."""


def load_document(path: Path) -> dict[str, Node]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise SpecError(f"{path}: cannot read the OpenAPI document: {error}") from error
    if not isinstance(document, dict):
        raise SpecError(f"{path}: an OpenAPI document is a mapping at the top level")
    return document


def _unescape(token: str) -> str:
    # RFC 6901: "~1" is "/", "~0" is "~", in that order.
    return token.replace("~1", "/").replace("~0", "~")


class Resolver:
    """Follows `#/...` references inside one document.

    Only local references are supported: the project keeps its contract in one file, and an
    external reference is reported as an error rather than silently compared as a string.
    """

    def __init__(self, document: Mapping[str, Node]) -> None:
        self.document = document
        # In 3.1 (JSON Schema 2020-12) keywords beside a `$ref` apply too; 3.0 ignores them.
        self.ref_siblings_apply = str(document.get("openapi", "")).startswith("3.1")
        # One `allOf` form per `$ref`-with-siblings node, so identity-based cycle checks hold.
        self._with_siblings: dict[int, dict[str, Node]] = {}

    def pointer(self, ref: str) -> Node:
        if not ref.startswith("#"):
            raise SpecError(
                f"external $ref {ref!r} is not supported; keep the contract in one file"
            )
        node: Node = self.document
        for token in (t for t in ref[1:].split("/") if t):
            key = _unescape(token)
            if isinstance(node, Mapping) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                raise SpecError(f"$ref {ref!r} points at nothing")
        return node

    def deref(self, node: Node) -> Node:
        """The node a chain of `$ref`s ends on. Sibling keys of `$ref` are ignored, as 3.0
        says; in 3.1 constraining siblings apply with the target, as `allOf` of both."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if self.ref_siblings_apply:
                siblings = {
                    key: value
                    for key, value in node.items()
                    if key != "$ref"
                    and key not in DOCUMENTATION_KEYS
                    and not str(key).startswith("x-")
                }
                if siblings:
                    return self._with_siblings.setdefault(
                        id(node), {"allOf": [{"$ref": ref}], **siblings}
                    )
            if ref in seen:
                raise SpecError(f"$ref {ref!r} refers to itself without ever reaching a value")
            seen.add(ref)
            node = self.pointer(ref)
        return node

    def canonical(self, node: Node) -> Node:
        """A plain, order-free value for equality tests: refs inlined, docs dropped, cycles marked.

        A recursive schema is inlined until it meets itself, then replaced by a marker naming
        how many levels up the cycle closes, so two spellings of the same recursion compare equal.
        """
        return self._canonical(node, [])

    def _canonical(self, node: Node, stack: list[int]) -> Node:
        node = self.deref(node)
        if isinstance(node, Mapping):
            if id(node) in stack:
                return {"$cycle": len(stack) - stack.index(id(node))}
            stack.append(id(node))
            try:
                return {
                    key: _order_free(key, self._canonical(value, stack))
                    for key, value in sorted(normalise_schema(node).items())
                    if key not in DOCUMENTATION_KEYS and not str(key).startswith("x-")
                }
            finally:
                stack.pop()
        if isinstance(node, list):
            return [self._canonical(item, stack) for item in node]
        return node


# Lists whose order means nothing: `required: [a, b]` is `required: [b, a]`.
_SET_LIKE_KEYS = frozenset({"required", "enum"})


def _order_free(key: str, value: Node) -> Node:
    if key in _SET_LIKE_KEYS and isinstance(value, list):
        return sorted(value, key=repr)
    return value


def freeze(value: Node) -> Any:
    """A hashable form of a canonical value, for sets of schemas, enums and requirements."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(freeze(item) for item in value)
    return value
