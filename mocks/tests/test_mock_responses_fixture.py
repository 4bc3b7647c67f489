"""The `responses` integration: `requests` calls answered by the engine, and what was called."""

from __future__ import annotations

import pytest
import requests
import responses

from conftest import API_KEY, NEW_ROOM, ROOM_ID
from rooms_mock import rooms_mock
from rooms_mock.recorder import MockedApi

BASE = "http://rooms.test/api"


def test_context_manager_answers_with_state_and_records_calls() -> None:
    with rooms_mock(BASE) as api:
        created = requests.post(
            f"{BASE}/rooms", json=NEW_ROOM, headers={"X-API-Key": "k"}, timeout=5
        )
        assert created.status_code == 201
        assert created.headers["Location"] == f"/rooms/{created.json()['id']}"
        room = requests.get(f"{BASE}/rooms/{created.json()['id']}", timeout=5)
        assert room.json() == created.json()
        listed = requests.get(f"{BASE}/rooms", params={"city": "Barcelona"}, timeout=5)
        assert [r["id"] for r in listed.json()["items"]] == [created.json()["id"]]

        [call] = api.assert_called("createRoom", times=1)
        assert call.json() == NEW_ROOM
        assert call.status == 201
        api.assert_called("getRoom")
        api.assert_not_called("deleteRoom")
        assert [c.operation_id for c in api.calls] == ["createRoom", "getRoom", "listRooms"]


def test_validation_reaches_the_consumer() -> None:
    with rooms_mock(BASE) as api:
        response = requests.post(f"{BASE}/rooms", json={**NEW_ROOM, "price": "cheap"}, timeout=5)
        assert response.status_code == 401  # no key: refused before the body is read
        response = requests.post(
            f"{BASE}/rooms",
            json={**NEW_ROOM, "price": "cheap"},
            headers={"X-API-Key": "k"},
            timeout=5,
        )
        assert response.status_code == 400
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["violations"][0]["location"] == "/price"
        assert api.calls_to("createRoom")[-1].status == 400


def test_assertions_fail_when_the_calls_differ() -> None:
    with rooms_mock(BASE) as api:
        requests.get(f"{BASE}/health", timeout=5)
        with pytest.raises(
            AssertionError, match="listRooms to be called at least once, but it was called 0 times"
        ):
            api.assert_called("listRooms")
        with pytest.raises(
            AssertionError,
            match=r"expected health to be called 2 times, but it was called 1 time; calls to it:\n  GET /health \(health\) -> 200",
        ):
            api.assert_called("health", times=2)
        with pytest.raises(
            AssertionError,
            match=r"expected health not to be called, but it was called 1 time:\n  GET /health",
        ):
            api.assert_not_called("health")


def test_expected_zero_times_passes_when_not_called_and_fails_when_called() -> None:
    with rooms_mock(BASE) as api:
        assert api.assert_called("listRooms", times=0) == []
        requests.get(f"{BASE}/rooms", timeout=5)
        with pytest.raises(AssertionError, match="to be called 0 times, but it was called 1 time"):
            api.assert_called("listRooms", times=0)


def test_an_operation_the_spec_does_not_have_is_refused() -> None:
    with rooms_mock(BASE) as api:
        for assertion in (api.assert_called, api.assert_not_called, api.calls_to):
            with pytest.raises(
                AssertionError, match="the spec has no operation 'listRoom'; it has: createRoom"
            ):
                assertion("listRoom")


def test_other_urls_are_not_answered() -> None:
    with responses.RequestsMock() as others, rooms_mock(BASE):
        with pytest.raises(requests.ConnectionError):
            requests.get("http://elsewhere.test/rooms", timeout=5)
        assert len(others.calls) == 1  # it went past the mock, to the test's own mocks


def test_static_mode_and_named_keys() -> None:
    with rooms_mock(BASE, stateful=False, api_keys=(API_KEY,)):
        assert requests.get(f"{BASE}/rooms/{ROOM_ID}", timeout=5).json()["id"] == ROOM_ID
        refused = requests.delete(f"{BASE}/rooms/{ROOM_ID}", headers={"X-API-Key": "x"}, timeout=5)
        assert refused.status_code == 401


def test_each_block_starts_with_an_empty_store() -> None:
    with rooms_mock(BASE):
        requests.post(f"{BASE}/rooms", json=NEW_ROOM, headers={"X-API-Key": "k"}, timeout=5)
    with rooms_mock(BASE):
        assert requests.get(f"{BASE}/rooms", timeout=5).json() == {"items": []}


def test_the_pytest_fixture(rooms_api: MockedApi) -> None:
    assert rooms_api.base_url == "http://rooms.mock"
    requests.post(
        f"{rooms_api.base_url}/rooms", json=NEW_ROOM, headers={"X-API-Key": "k"}, timeout=5
    )
    assert (
        requests.get(f"{rooms_api.base_url}/rooms", timeout=5).json()["items"][0]["name"]
        == NEW_ROOM["name"]
    )
    rooms_api.assert_called("createRoom", times=1)


@pytest.mark.rooms_mock(stateful=False, dynamic=True, seed=5, base_url="http://other.mock")
def test_the_fixture_takes_options_from_a_marker(rooms_api: MockedApi) -> None:
    first = requests.get(f"http://other.mock/rooms/{ROOM_ID}", timeout=5).json()
    second = requests.get(f"http://other.mock/rooms/{ROOM_ID}", timeout=5).json()
    assert first == second
    assert first["id"] != ROOM_ID  # drawn, not the example


def test_reset_forgets_calls_and_state() -> None:
    with rooms_mock(BASE) as api:
        requests.post(f"{BASE}/rooms", json=NEW_ROOM, headers={"X-API-Key": "k"}, timeout=5)
        api.reset()
        assert api.calls == []
        assert requests.get(f"{BASE}/rooms", timeout=5).json() == {"items": []}


def test_percent_encoded_paths_are_decoded_as_a_server_would() -> None:
    with rooms_mock(BASE, stateful=False) as api:
        response = requests.get(f"{BASE}/rooms/not%20a%20uuid", timeout=5)
        assert response.status_code == 400
        assert "not a uuid" in response.json()["violations"][0]["message"]
        assert api.calls[0].request.path == "/rooms/not a uuid"
