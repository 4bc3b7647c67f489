"""Request validation: every violation listed, where it is, as the spec's documented problem."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import NEW_ROOM, ROOM_ID, SPEC, Call, Oracle, caller
from rooms_mock.engine import MockEngine, MockOptions


def violations(body: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(v["in"], v["location"], v["rule"]) for v in body.get("violations", [])}


def assert_problem(response: Any, status: int, oracle: Oracle) -> dict[str, Any]:
    assert response.status == status, response.body
    assert response.header("content-type") == "application/problem+json"
    body: dict[str, Any] = response.json()
    oracle.assert_valid("Problem", body)
    assert body["status"] == status
    return body


def test_body_violations_are_all_listed_with_pointers(call: Call, oracle: Oracle) -> None:
    room = {**NEW_ROOM, "price": -1, "area": {"name": "x", "city": "y"}, "extra": 1}
    body = assert_problem(call("POST", "/rooms", json_body=room), 400, oracle)
    assert body["type"] == "https://rooms.example/problems/validation"
    assert body["title"] == "Request is not valid"
    assert violations(body) == {
        ("body", "/price", "minimum"),
        ("body", "/area", "required"),
        ("body", "/", "additionalProperties"),
    }
    assert body["detail"] == "The request breaks 3 rules of the contract."


def test_query_path_and_header_violations_together(call: Call, oracle: Oracle) -> None:
    body = assert_problem(call("GET", "/rooms", "limit=0&visible=maybe&country=pt"), 400, oracle)
    assert violations(body) == {
        ("query", "limit", "minimum"),
        ("query", "visible", "type"),
        ("query", "country", "pattern"),
    }
    body = assert_problem(
        call(
            "PATCH",
            "/rooms/not-a-uuid",
            json_body={"price": 1},
            headers={"Content-Type": "application/merge-patch+json", "If-Match": ""},
        ),
        400,
        oracle,
    )
    assert violations(body) == {("path", "roomId", "pattern"), ("header", "If-Match", "minLength")}


def test_missing_api_key_is_the_documented_401(call: Call, oracle: Oracle) -> None:
    body = assert_problem(call("POST", "/rooms", json_body=NEW_ROOM, key=False), 401, oracle)
    assert "X-API-Key".lower() in body["detail"].lower()


def test_any_key_is_accepted_unless_keys_are_named(oracle: Oracle) -> None:
    open_mock = caller(MockEngine.from_path(SPEC))
    assert (
        open_mock("POST", "/rooms", json_body=NEW_ROOM, headers={"X-API-Key": "whatever"}).status
        == 201
    )
    strict = caller(MockEngine.from_path(SPEC, MockOptions(api_keys=frozenset({"right"}))))
    assert_problem(
        strict("POST", "/rooms", json_body=NEW_ROOM, headers={"X-API-Key": "wrong"}), 401, oracle
    )
    assert (
        strict("POST", "/rooms", json_body=NEW_ROOM, headers={"X-API-Key": "right"}).status == 201
    )


def test_security_is_checked_before_the_body(call: Call, oracle: Oracle) -> None:
    assert_problem(call("POST", "/rooms", json_body={"bad": 1}, key=False), 401, oracle)


def test_reads_need_no_key(call: Call) -> None:
    assert call("GET", f"/rooms/{ROOM_ID}", key=False).status == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data"])
def test_wrong_content_type_is_415(call: Call, oracle: Oracle, content_type: str) -> None:
    response = call("POST", "/rooms", body=b"{}", headers={"Content-Type": content_type})
    body = assert_problem(response, 415, oracle)
    assert content_type in body["detail"]


def test_merge_patch_operation_refuses_plain_json(call: Call, oracle: Oracle) -> None:
    assert_problem(call("PATCH", f"/rooms/{ROOM_ID}", json_body={"price": 1}), 415, oracle)


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        (b"{not json", "json"),
        (b"\xff\xfe", "encoding"),
        (b'{"price": NaN}', "json"),
        (b"", "required"),
    ],
)
def test_unreadable_body_is_a_400_violation(
    call: Call, oracle: Oracle, raw: bytes, rule: str
) -> None:
    response = call("POST", "/rooms", body=raw, headers={"Content-Type": "application/json"})
    assert violations(assert_problem(response, 400, oracle)) == {("body", "/", rule)}


def test_missing_required_body(call: Call, oracle: Oracle) -> None:
    body = assert_problem(call("POST", "/rooms"), 400, oracle)
    assert violations(body) == {("body", "/", "required")}


def test_nullable_members_take_null_and_others_do_not(call: Call, oracle: Oracle) -> None:
    patch_type = {"Content-Type": "application/merge-patch+json"}
    ok = call(
        "PATCH",
        f"/rooms/{ROOM_ID}",
        json_body={"description": None, "coordinates": None},
        headers=patch_type,
    )
    assert ok.status == 200
    refused = call("PATCH", f"/rooms/{ROOM_ID}", json_body={"name": None}, headers=patch_type)
    assert violations(assert_problem(refused, 400, oracle)) == {("body", "/name", "type")}


def test_read_only_members_are_not_required_in_requests(tmp_path: Any) -> None:
    spec = tmp_path / "things.yaml"
    spec.write_text(
        """
openapi: 3.0.3
info: {title: Things, version: '1'}
paths:
  /things:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
""",
        encoding="utf-8",
    )
    things = caller(MockEngine.from_path(spec))
    created = things("POST", "/things", json_body={"name": "a"})
    assert created.status == 201
    assert set(created.json()) >= {"id", "name"}  # required in the response: drawn for it
    assert things("POST", "/things", json_body={"id": "x"}).status == 400


def test_oracle_catches_a_broken_problem(oracle: Oracle) -> None:
    """Fault injection for the helper the tests above rely on."""
    assert oracle.errors("Problem", {"title": "x", "status": 99})
