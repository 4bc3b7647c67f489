"""Every answer the spec documents without content arrives with no Content-Type and no body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import yaml
from starlette.testclient import TestClient

from rooms.contract_files import openapi_path
from tests.conftest import WRITE_HEADERS
from tests.unit.rooms_data import room_body

SPEC: dict[str, Any] = yaml.safe_load(openapi_path().read_text(encoding="utf-8"))
BODILESS = sorted(
    (operation["operationId"], status)
    for item in SPEC["paths"].values()
    for operation in item.values()
    if isinstance(operation, dict) and "responses" in operation
    for status, response in operation["responses"].items()
    if "$ref" not in response and not response.get("content")
)


def _created(client: TestClient) -> dict[str, Any]:
    response = client.post("/rooms", json=room_body(), headers=WRITE_HEADERS)
    assert response.status_code == 201
    return {"id": response.json()["id"], "etag": response.headers["etag"]}


def _delete(client: TestClient) -> httpx.Response:
    room = _created(client)
    return client.delete(
        f"/rooms/{room['id']}", headers={**WRITE_HEADERS, "If-Match": room["etag"]}
    )


# How to draw each bodiless answer from the service; a new one in the spec needs a line here.
PRODUCERS: dict[tuple[str, str], Callable[[TestClient], httpx.Response]] = {
    ("deleteRoom", "204"): _delete,
}


def test_the_spec_documents_bodiless_answers_and_each_has_a_producer() -> None:
    assert BODILESS, "the spec has no bodiless answer: this test checks nothing"
    assert set(BODILESS) == set(PRODUCERS)


@pytest.mark.parametrize(("operation_id", "status"), BODILESS)
def test_a_bodiless_answer_has_no_content_type_and_no_body(
    client: TestClient, operation_id: str, status: str
) -> None:
    response = PRODUCERS[operation_id, status](client)
    assert response.status_code == int(status)
    assert "content-type" not in response.headers
    assert response.content == b""
    assert response.headers.get("content-length", "0") == "0"
