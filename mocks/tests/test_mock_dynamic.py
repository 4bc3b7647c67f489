"""Dynamic mode: bodies drawn from the schemas, valid, and the same for one seed and request."""

from __future__ import annotations

from conftest import NEW_ROOM, SPEC, Oracle, caller
from rooms_mock.engine import MockEngine, MockOptions


def dynamic(seed: int) -> MockEngine:
    return MockEngine.from_path(SPEC, MockOptions(dynamic=True, seed=seed))


def test_same_seed_same_request_same_body() -> None:
    first, second = caller(dynamic(7)), caller(dynamic(7))
    for path in ("/rooms", "/rooms/0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e01", "/ready"):
        assert first("GET", path).body == second("GET", path).body
    assert (
        first("POST", "/rooms", json_body=NEW_ROOM).body
        == second("POST", "/rooms", json_body=NEW_ROOM).body
    )


def test_another_seed_or_request_gives_another_body() -> None:
    seven, eight = caller(dynamic(7)), caller(dynamic(8))
    path = "/rooms/0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e01"
    assert seven("GET", path).body != eight("GET", path).body
    assert seven("GET", path).body != seven("GET", path.replace("01", "02")).body


def test_drawn_bodies_are_valid_and_varied(oracle: Oracle) -> None:
    call = caller(dynamic(1))
    names = set()
    for index in range(60):
        room_id = f"0b1c5f1e-7c53-4a3e-9a53-{index:012d}"
        room = call("GET", f"/rooms/{room_id}").json()
        oracle.assert_valid("Room", room)
        names.add(room["name"])
        page = call("GET", "/rooms", f"limit={index % 100 + 1}").json()
        oracle.assert_valid("RoomPage", page)
        oracle.assert_valid("Readiness", call("GET", "/ready", f"n={index}").json())
        problem = call("GET", f"/rooms/{room_id}", headers={"Prefer": "code=404"}).json()
        oracle.assert_valid("Problem", problem)
    assert len(names) > 30


def test_drawn_headers_meet_their_schemas() -> None:
    response = caller(dynamic(3))("POST", "/rooms", json_body=NEW_ROOM)
    assert response.status == 201
    assert response.header("Location") == f"/rooms/{response.json()['id']}"
    etag = response.header("ETag")
    assert etag is not None
    assert 1 <= len(etag) <= 200
