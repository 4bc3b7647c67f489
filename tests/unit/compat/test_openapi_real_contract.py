"""The guard on the project's own contract: refactors of it are invisible, and breaking edits to
it are caught (fault injection on the real document, so the rules are proven where they matter)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from rooms.compat.openapi_diff import diff_openapi
from rooms.compat.openapi_operation_model import HTTP_METHODS
from rooms.compat.openapi_resolve import Resolver, load_document
from rooms.contract_files import openapi_path

TODAY = dt.date(2026, 6, 1)
Document = dict[str, Any]


@pytest.fixture(scope="module")
def contract() -> Document:
    return load_document(openapi_path())


def _rules(old: Document, new: Document) -> set[str]:
    return {change.rule for change in diff_openapi(old, new, TODAY)}


def _inline_refs(document: Document) -> Document:
    """Each `$ref` under `paths` replaced by a copy of its target (the contract has no cycle)."""
    resolver = Resolver(document)

    def inline(node: Any) -> Any:
        node = resolver.deref(node)
        if isinstance(node, dict):
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return {**document, "paths": inline(document["paths"])}


def _reordered(node: Any) -> Any:
    """Every mapping's keys, and every list, in reverse order."""
    if isinstance(node, dict):
        return {key: _reordered(node[key]) for key in reversed(list(node))}
    if isinstance(node, list):
        return [_reordered(item) for item in reversed(node)]
    return node


def _renamed_components(document: Document) -> Document:
    """Each component renamed (`Room` -> `RoomV2`) and every reference to it rewritten."""

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/components/"):
                return {"$ref": node["$ref"] + "V2"}
            return {key: rewrite(value) for key, value in node.items()}
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    renamed = rewrite(copy.deepcopy(document))
    for section, entries in renamed["components"].items():
        if section != "securitySchemes":  # referenced by name in `security`, not by $ref
            renamed["components"][section] = {f"{name}V2": value for name, value in entries.items()}
    return renamed


def test_contract_against_itself_is_unchanged(contract: Document) -> None:
    assert diff_openapi(contract, copy.deepcopy(contract), TODAY) == []


@pytest.mark.parametrize(
    "refactor", [_inline_refs, _reordered, _renamed_components], ids=lambda f: f.__name__
)
def test_refactor_of_the_contract_reports_nothing(
    contract: Document, refactor: Callable[[Document], Document]
) -> None:
    refactored = refactor(copy.deepcopy(contract))
    assert refactored != contract  # the refactor did something
    assert diff_openapi(contract, refactored, TODAY) == []
    assert diff_openapi(refactored, contract, TODAY) == []


def _operations(document: Document) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, item[method])
        for path, item in document["paths"].items()
        for method in HTTP_METHODS
        if method in item
    ]


def _first_request_schema(document: Document) -> dict[str, Any]:
    resolver = Resolver(document)
    for _, _, operation in _operations(document):
        body = resolver.deref(operation.get("requestBody"))
        if body and "application/json" in body["content"]:
            schema = resolver.deref(body["content"]["application/json"]["schema"])
            if schema.get("properties"):
                return dict(schema)
    raise AssertionError("the contract has no JSON request body with properties")


def test_removing_an_operation_is_breaking(contract: Document) -> None:
    broken = copy.deepcopy(contract)
    path, method, _ = _operations(broken)[0]
    del broken["paths"][path][method]
    assert "operation-removed-without-deprecation" in _rules(contract, broken)


def test_requiring_an_optional_request_property_is_breaking(contract: Document) -> None:
    broken = copy.deepcopy(contract)
    schema = _first_request_schema(broken)  # a dict inside `broken`, edited in place
    optional = sorted(set(schema["properties"]) - set(schema.get("required", [])))
    assert optional, "the first request schema has no optional property to require"
    schema.setdefault("required", []).append(optional[0])
    assert "request-property-became-required" in _rules(contract, broken)


def test_tightening_a_request_max_length_is_breaking(contract: Document) -> None:
    broken = copy.deepcopy(contract)
    resolver = Resolver(broken)
    schema = _first_request_schema(broken)
    for prop in schema["properties"].values():
        target = resolver.deref(prop)
        if isinstance(target.get("maxLength"), int) and target["maxLength"] > 1:
            target["maxLength"] -= 1
            break
    else:
        pytest.fail("no request property with a maxLength to tighten")
    assert "request-max-length-tightened" in _rules(contract, broken)


def test_securing_a_public_operation_is_breaking(contract: Document) -> None:
    broken = copy.deepcopy(contract)
    scheme = next(iter(broken["components"]["securitySchemes"]))
    public = [
        op for _, _, op in _operations(broken) if not op.get("security", broken.get("security"))
    ]
    assert public, "the contract has no public operation"
    public[0]["security"] = [{scheme: []}]
    assert "security-added" in _rules(contract, broken)


def test_making_a_response_property_optional_is_breaking(contract: Document) -> None:
    broken = copy.deepcopy(contract)
    room = broken["components"]["schemas"]["Room"]
    room["required"] = room["required"][1:]
    assert "response-property-became-optional" in _rules(contract, broken)
