"""House rules for contracts/openapi.yaml, checked on every operation the spec has or will have."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from rooms.contract_files import openapi_path

SPEC: dict[str, Any] = yaml.safe_load(openapi_path().read_text(encoding="utf-8"))
METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}
OPERATIONS = [
    (path, method, operation)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method in METHODS
]
IDS = [operation["operationId"] for _, _, operation in OPERATIONS]


def resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def test_the_spec_is_valid_openapi_3_0() -> None:
    validate(SPEC)
    assert SPEC["openapi"].startswith("3.0")


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_every_operation_documents_a_default_and_its_client_errors(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    responses = operation["responses"]
    assert "default" in responses
    has_input = bool(operation.get("parameters") or SPEC["paths"][path].get("parameters"))
    if has_input or "requestBody" in operation:
        assert "400" in responses, "connexion answers 400 to any invalid input"
    if operation.get("security"):
        assert "401" in responses
    if "requestBody" in operation:
        assert {"413", "415"} <= set(responses)


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_every_error_is_a_problem_and_every_body_has_a_named_example(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    bodies = []
    if "requestBody" in operation:
        bodies += list(resolve(operation["requestBody"])["content"].items())
    for status, response in operation["responses"].items():
        content = resolve(response).get("content", {})
        # 503 from /ready is a readiness report, not an error of the request.
        if status == "default" or (status.startswith(("4", "5")) and status != "503"):
            assert list(content) == ["application/problem+json"], status
        bodies += list(content.items())
    for media_type, body in bodies:
        assert body.get("examples"), f"{media_type} in {method.upper()} {path} has no named example"


def test_created_rooms_link_to_get_update_and_delete() -> None:
    links = SPEC["paths"]["/rooms"]["post"]["responses"]["201"]["links"]
    targets = {link["operationId"] for link in links.values()}
    assert targets == {"getRoom", "updateRoom", "deleteRoom"}


def test_writes_need_a_key_and_reads_do_not() -> None:
    for _, method, operation in OPERATIONS:
        needs_key = bool(operation.get("security"))
        assert needs_key == (method in {"post", "patch", "delete"}), operation["operationId"]


PROBES = {"health", "ready"}


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_every_operation_on_the_database_documents_a_503_with_retry_after(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    if operation["operationId"] in PROBES:
        # /health never touches the database; /ready's 503 is its readiness report.
        return
    unavailable = resolve(operation["responses"].get("503"))
    assert unavailable, f"{method.upper()} {path} does not document 503"
    assert list(unavailable["content"]) == ["application/problem+json"]
    assert unavailable["headers"]["Retry-After"]["required"] is True
