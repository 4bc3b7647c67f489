"""The fixture composes: beside the test's own `responses` mocks, a second mock, and httpx."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
import requests
import responses
import yaml

from conftest import NEW_ROOM, SPEC
from rooms_mock import ContractViolation, MockTransport, rooms_mock
from rooms_mock.recorder import MockedApi

BASE = "http://rooms.test"
KEY = {"X-API-Key": "k"}


@responses.activate
def test_inside_an_outer_responses_activate() -> None:
    responses.get("http://weather.test/today", json={"sky": "clear"})
    with rooms_mock(BASE) as api:
        assert requests.get("http://weather.test/today", timeout=5).json() == {"sky": "clear"}
        assert requests.get(f"{BASE}/rooms", timeout=5).status_code == 200
    api.assert_called("listRooms", times=1)
    assert len(responses.calls) == 1


def test_around_an_inner_requests_mock() -> None:
    with rooms_mock(BASE) as api, responses.RequestsMock() as others:
        others.get("http://weather.test/today", json={"sky": "grey"})
        assert requests.post(f"{BASE}/rooms", json=NEW_ROOM, headers=KEY, timeout=5).ok
        assert requests.get("http://weather.test/today", timeout=5).json() == {"sky": "grey"}
    api.assert_called("createRoom", times=1)


def test_two_mocks_for_two_specs_at_once(tmp_path: Path) -> None:
    other = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    other["info"]["title"] = "Rooms, the other one"
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(other), encoding="utf-8")
    with rooms_mock(BASE) as first, rooms_mock("http://other.test/v2", path) as second:
        requests.get(f"{BASE}/rooms", timeout=5)
        requests.get("http://other.test/v2/health", timeout=5)
    first.assert_called("listRooms", times=1)
    first.assert_not_called("health")
    second.assert_called("health", times=1)
    assert second.engine.title.startswith("Rooms, the other one")


def test_httpx_sync_client_through_the_transport() -> None:
    with rooms_mock(BASE) as api:
        client = httpx.Client(transport=MockTransport(api), base_url=BASE)
        created = client.post("/rooms", json=NEW_ROOM, headers=KEY)
        assert created.status_code == 201
        assert client.get(created.headers["location"]).json()["name"] == NEW_ROOM["name"]
        with pytest.raises(httpx.ConnectError, match=r"answers http://rooms\.test only"):
            client.get("http://elsewhere.test/")
    assert [call.operation_id for call in api.calls] == ["createRoom", "getRoom"]


def test_httpx_async_client_through_the_transport_and_strict() -> None:
    async def run(api: MockedApi) -> int:
        async with httpx.AsyncClient(transport=MockTransport(api), base_url=BASE) as client:
            ok = await client.get("/rooms")
            with pytest.raises(ContractViolation):
                await client.get("/rooms", params={"limit": 1000})
            return ok.status_code

    with rooms_mock(BASE, strict=True) as api:
        assert asyncio.run(run(api)) == 200
