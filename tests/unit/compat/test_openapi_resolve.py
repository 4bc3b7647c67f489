"""Reference resolution: the failure modes a comparison must refuse rather than guess through."""

from __future__ import annotations

import pytest

from rooms.compat.openapi_resolve import Resolver, SpecError


def test_json_pointer_escapes() -> None:
    document = {"paths": {"/rooms/{id}": {"get": {"x": 1}}}, "a~b": 2}
    resolver = Resolver(document)
    assert resolver.pointer("#/paths/~1rooms~1{id}/get") == {"x": 1}
    assert resolver.pointer("#/a~0b") == 2


def test_ref_cycle_without_a_value_is_refused() -> None:
    document = {
        "components": {
            "schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"$ref": "#/components/schemas/A"},
            }
        }
    }
    with pytest.raises(SpecError, match="refers to itself"):
        Resolver(document).deref({"$ref": "#/components/schemas/A"})


def test_external_ref_is_refused() -> None:
    with pytest.raises(SpecError, match="external"):
        Resolver({}).deref({"$ref": "other.yaml#/components/schemas/A"})


def test_canonical_form_marks_recursion_and_ignores_documentation() -> None:
    tree = {
        "type": "object",
        "description": "a node",
        "properties": {"kids": {"type": "array", "items": {"$ref": "#/components/schemas/T"}}},
    }
    resolver = Resolver({"components": {"schemas": {"T": tree}}})
    canonical = resolver.canonical({"$ref": "#/components/schemas/T"})
    assert "description" not in canonical
    assert canonical["properties"]["kids"]["items"] == {"$cycle": 3}
