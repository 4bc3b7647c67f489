"""Tests that fail loudly: strict mode, the violations API, and the violations header."""

from __future__ import annotations

import pytest
import requests

from conftest import NEW_ROOM, ROOM_ID, Call
from rooms_mock import ContractViolation, rooms_mock
from rooms_mock.recorder import MockedApi

BASE = "http://rooms.test"
KEY = {"X-API-Key": "k"}


def test_strict_mode_fails_at_the_call_with_every_violation() -> None:
    with rooms_mock(BASE, strict=True) as api, pytest.raises(ContractViolation) as failure:
        requests.post(f"{BASE}/rooms", json={**NEW_ROOM, "price": -1}, headers=KEY, timeout=5)
    message = str(failure.value)
    assert message.startswith("the request breaks the contract (1 violation):")
    assert "POST /rooms (createRoom): body /price: minimum:" in message
    [violation] = failure.value.violations
    assert (violation.operation_id, violation.where, violation.location, violation.rule) == (
        "createRoom",
        "body",
        "/price",
        "minimum",
    )
    assert len(api.calls) == 1  # recorded before it failed


@pytest.mark.parametrize(
    ("method", "path", "headers", "rule"),
    [
        ("GET", "/nowhere", {}, "no-such-path"),
        ("PUT", "/rooms", {}, "method"),
        ("DELETE", f"/rooms/{ROOM_ID}", {}, "security"),
        ("POST", "/rooms", {**KEY, "Content-Type": "text/plain"}, "media-type"),
        ("GET", "/rooms", {"Prefer": "code=abc"}, "prefer"),
    ],
)
def test_strict_mode_catches_every_kind_of_refusal(
    method: str, path: str, headers: dict[str, str], rule: str
) -> None:
    with rooms_mock(BASE, strict=True, stateful=False), pytest.raises(ContractViolation) as failure:
        requests.request(method, f"{BASE}{path}", headers=headers, data=b"x", timeout=5)
    assert [v.rule for v in failure.value.violations] == [rule]


def test_a_missing_item_is_not_a_violation() -> None:
    with rooms_mock(BASE, strict=True) as api:
        assert requests.get(f"{BASE}/rooms/{ROOM_ID}", timeout=5).status_code == 404
    api.assert_no_violations()


def test_the_default_records_violations_for_assert_no_violations() -> None:
    with rooms_mock(BASE) as api:
        requests.get(f"{BASE}/rooms", params={"limit": "many"}, timeout=5)
        requests.get(f"{BASE}/rooms", timeout=5)
    assert [(v.operation_id, v.where, v.location, v.rule) for v in api.violations] == [
        ("listRooms", "query", "limit", "type")
    ]
    with pytest.raises(ContractViolation, match=r"GET /rooms \(listRooms\): query limit: type"):
        api.assert_no_violations()


@pytest.mark.rooms_mock(strict=True)
def test_the_marker_turns_strict_mode_on(rooms_api: MockedApi) -> None:
    with pytest.raises(ContractViolation):
        requests.get(f"{rooms_api.base_url}/rooms", params={"limit": 0}, timeout=5)


def test_violations_are_in_a_response_header(call: Call) -> None:
    response = call("GET", "/rooms", "limit=0&city=")
    assert response.status == 400
    assert response.header("x-mock-violations") == "query city: minLength; query limit: minimum"
    assert call("GET", "/rooms").header("x-mock-violations") is None
