"""Every endpoint and error path over HTTP, on the embedded SQLite file and on PostgreSQL."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from rooms.adapters.orm import outbox
from rooms.entrypoints.app import RoomsApp
from tests.conftest import WRITE_HEADERS
from tests.unit.rooms_data import room_body

PATCH = {**WRITE_HEADERS, "Content-Type": "application/merge-patch+json"}


def create(api: TestClient, **changes: Any) -> dict[str, Any]:
    response = api.post("/rooms", json=room_body(**changes), headers=WRITE_HEADERS)
    assert response.status_code == 201, response.text
    return dict(response.json())


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = dict(response.json())
    assert body["status"] == status
    assert body["title"]
    assert body["type"]
    return body


def outbox_types(app: RoomsApp) -> list[str]:
    engine = app.injector.get(Engine)
    with engine.connect() as connection:
        return list(connection.scalars(select(outbox.c.event_type).order_by(outbox.c.id)))


class TestCreate:
    def test_answers_201_with_location_etag_and_the_stored_room(self, api: TestClient) -> None:
        body = room_body()
        response = api.post("/rooms", json=body, headers=WRITE_HEADERS)
        assert response.status_code == 201
        room = response.json()
        assert response.headers["location"] == f"/rooms/{room['id']}"
        assert response.headers["etag"] == f'"{uuid.UUID(room["id"]).hex}-1"'
        assert {k: room[k] for k in body} == body
        assert room["version"] == 1
        assert api.get(response.headers["location"]).json() == room

    def test_fills_defaults_for_optional_members(self, api: TestClient) -> None:
        body = room_body()
        for optional in ("description", "images", "is_visible", "coordinates", "monthly_price"):
            del body[optional]
        room = api.post("/rooms", json=body, headers=WRITE_HEADERS).json()
        assert (room["description"], room["images"], room["is_visible"]) == ("", [], True)
        assert "coordinates" not in room
        assert "monthly_price" not in room

    def test_a_second_room_with_the_same_url_gets_409(
        self, api: TestClient, db_app: RoomsApp
    ) -> None:
        first = create(api)
        response = api.post("/rooms", json=room_body(url=first["url"]), headers=WRITE_HEADERS)
        assert_problem(response, 409)
        assert outbox_types(db_app) == ["RoomCreated"]

    @pytest.mark.parametrize("headers", [{}, {"X-API-Key": "not-the-key"}])
    def test_needs_a_valid_api_key(self, api: TestClient, headers: dict[str, str]) -> None:
        assert_problem(api.post("/rooms", json=room_body(), headers=headers), 401)
        assert api.get("/rooms").json()["items"] == []

    def test_lists_every_violation_of_the_contract(self, api: TestClient) -> None:
        body = room_body(price=-1, currency="euro", unknown="x")
        del body["area"]["country"]
        problem = assert_problem(api.post("/rooms", json=body, headers=WRITE_HEADERS), 400)
        found = {(v["in"], v["location"], v["rule"]) for v in problem["violations"]}
        assert {
            ("body", "/price", "minimum"),
            ("body", "/currency", "pattern"),
            ("body", "/area", "required"),
            ("body", "/", "additionalProperties"),
        } <= found

    @pytest.mark.parametrize(
        "raw",
        [b'{"name": "\xff\xfe"}', b"\xff\xfe\x00", b'{"name": ', b"[]", b"null", b""],
        ids=["latin1-in-json", "binary", "truncated", "array", "null", "empty"],
    )
    def test_malformed_bodies_get_400_never_500(self, api: TestClient, raw: bytes) -> None:
        headers = {**WRITE_HEADERS, "Content-Type": "application/json"}
        assert_problem(api.post("/rooms", content=raw, headers=headers), 400)

    def test_a_wrong_content_type_gets_415(self, api: TestClient) -> None:
        headers = {**WRITE_HEADERS, "Content-Type": "text/plain"}
        response = api.post("/rooms", content=json.dumps(room_body()), headers=headers)
        assert_problem(response, 415)

    def test_an_oversized_body_gets_413(self, api: TestClient) -> None:
        body = room_body(description="x" * 70_000)
        assert_problem(api.post("/rooms", json=body, headers=WRITE_HEADERS), 413)


class TestRead:
    def test_an_unknown_room_is_404_and_a_malformed_id_is_400(self, api: TestClient) -> None:
        assert_problem(api.get(f"/rooms/{uuid.uuid4()}"), 404)
        problem = assert_problem(api.get("/rooms/not-a-uuid"), 400)
        assert problem["violations"][0]["in"] == "path"

    def test_filters_combine(self, api: TestClient) -> None:
        lisbon = create(api, price=500, provider="a.example")
        create(api, price=5000, provider="a.example")
        create(api, price=500, provider="b.example", is_visible=False)
        create(api, price=500, area={"name": "Centre", "city": "Porto", "country": "PT"})
        query = (
            "city=Lisbon&country=PT&provider=a.example&min_price=100&max_price=1000&visible=true"
        )
        assert [r["id"] for r in api.get(f"/rooms?{query}").json()["items"]] == [lisbon["id"]]
        hidden = api.get("/rooms?visible=false").json()["items"]
        assert [r["provider"] for r in hidden] == ["b.example"]

    def test_pages_follow_the_link_header_through_every_room_once(self, api: TestClient) -> None:
        created = [create(api)["id"] for _ in range(7)]
        seen: list[str] = []
        url: str | None = "/rooms?limit=3&country=PT"
        pages = 0
        while url:
            response = api.get(url)
            page = response.json()
            seen += [r["id"] for r in page["items"]]
            link = response.headers.get("link")
            assert (link is None) == ("next" not in page)
            url = link.split(">")[0].lstrip("<") if link else None
            pages += 1
        assert sorted(seen) == sorted(created)
        assert len(seen) == len(created)
        assert pages == 3

    def test_bad_query_parameters_get_400_with_each_violation(self, api: TestClient) -> None:
        problem = assert_problem(api.get("/rooms?limit=0&country=xx&min_price=abc"), 400)
        assert {v["location"] for v in problem["violations"]} == {"limit", "country", "min_price"}

    def test_any_well_formed_cursor_is_a_position(self, api: TestClient) -> None:
        create(api)
        far_future = f"{10**13}.{uuid.uuid4().hex}"
        assert api.get(f"/rooms?cursor={far_future}").json() == {"items": []}
        assert len(api.get(f"/rooms?cursor=0.{'0' * 32}").json()["items"]) == 1


class TestUpdate:
    def test_merge_patch_changes_members_and_the_etag(
        self, api: TestClient, db_app: RoomsApp
    ) -> None:
        room = create(api)
        patch = {"price": 1, "area": {"city": "Porto"}, "coordinates": None}
        response = api.patch(f"/rooms/{room['id']}", content=json.dumps(patch), headers=PATCH)
        assert response.status_code == 200, response.text
        updated = response.json()
        assert (updated["price"], updated["area"]["city"], updated["area"]["name"]) == (
            1,
            "Porto",
            room["area"]["name"],
        )
        assert "coordinates" not in updated
        assert updated["version"] == 2
        assert response.headers["etag"] != f'"{uuid.UUID(room["id"]).hex}-1"'
        assert outbox_types(db_app) == ["RoomCreated", "RoomUpdated"]

    def test_if_match_with_a_stale_etag_gets_412_and_changes_nothing(self, api: TestClient) -> None:
        room = create(api)
        etag = api.get(f"/rooms/{room['id']}").headers["etag"]
        api.patch(f"/rooms/{room['id']}", content='{"price": 2}', headers=PATCH)
        stale = {**PATCH, "If-Match": etag}
        assert_problem(
            api.patch(f"/rooms/{room['id']}", content='{"price": 3}', headers=stale), 412
        )
        assert api.get(f"/rooms/{room['id']}").json()["price"] == 2
        fresh = {**PATCH, "If-Match": api.get(f"/rooms/{room['id']}").headers["etag"]}
        assert (
            api.patch(f"/rooms/{room['id']}", content='{"price": 3}', headers=fresh).status_code
            == 200
        )

    def test_a_patch_that_would_leave_an_invalid_room_gets_400(self, api: TestClient) -> None:
        # A room without coordinates cannot take half of them.
        body = {k: v for k, v in room_body().items() if k != "coordinates"}
        bare = api.post("/rooms", json=body, headers=WRITE_HEADERS).json()
        response = api.patch(
            f"/rooms/{bare['id']}", content='{"coordinates": {"lat": 1}}', headers=PATCH
        )
        problem = assert_problem(response, 400)
        assert problem["violations"][0]["location"] == "/coordinates"

    def test_taking_another_rooms_url_gets_409(self, api: TestClient) -> None:
        first, second = create(api), create(api)
        body = json.dumps({"url": first["url"]})
        assert_problem(api.patch(f"/rooms/{second['id']}", content=body, headers=PATCH), 409)

    def test_patch_needs_the_merge_patch_media_type_and_a_key(self, api: TestClient) -> None:
        room = create(api)
        as_json = {**WRITE_HEADERS, "Content-Type": "application/json"}
        assert_problem(
            api.patch(f"/rooms/{room['id']}", content='{"price": 1}', headers=as_json), 415
        )
        no_key = {"Content-Type": "application/merge-patch+json"}
        assert_problem(
            api.patch(f"/rooms/{room['id']}", content='{"price": 1}', headers=no_key), 401
        )
        assert_problem(
            api.patch(f"/rooms/{uuid.uuid4()}", content='{"price": 1}', headers=PATCH), 404
        )
        assert_problem(api.patch(f"/rooms/{room['id']}", content="{}", headers=PATCH), 400)


class TestDelete:
    def test_delete_answers_204_then_the_room_is_gone(
        self, api: TestClient, db_app: RoomsApp
    ) -> None:
        room = create(api)
        response = api.delete(f"/rooms/{room['id']}", headers=WRITE_HEADERS)
        assert response.status_code == 204
        assert response.content == b""
        assert_problem(api.get(f"/rooms/{room['id']}"), 404)
        assert_problem(api.delete(f"/rooms/{room['id']}", headers=WRITE_HEADERS), 404)
        assert outbox_types(db_app) == ["RoomCreated", "RoomDeleted"]

    def test_delete_honours_if_match_and_needs_a_key(self, api: TestClient) -> None:
        room = create(api)
        stale = {**WRITE_HEADERS, "If-Match": '"0-1"'}
        assert_problem(api.delete(f"/rooms/{room['id']}", headers=stale), 412)
        assert_problem(api.delete(f"/rooms/{room['id']}"), 401)
        assert api.get(f"/rooms/{room['id']}").status_code == 200


class TestOperations:
    def test_probes(self, api: TestClient) -> None:
        assert api.get("/health").json() == {"status": "ok"}
        assert api.get("/ready").json() == {"status": "ready", "checks": {"database": "ok"}}

    def test_the_spec_and_its_docs_are_served(self, api: TestClient) -> None:
        spec = api.get("/openapi.json").json()
        assert "/rooms/{roomId}" in spec["paths"]
        ui = api.get("/ui/")
        assert ui.status_code == 200
        assert "swagger" in ui.text.lower()

    def test_unknown_paths_and_methods_are_problems(self, api: TestClient) -> None:
        assert_problem(api.get("/nowhere"), 404)
        assert_problem(api.put("/rooms", json={}), 405)

    def test_the_request_id_is_echoed_or_made_up(self, api: TestClient) -> None:
        assert (
            api.get("/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
            == "abc-123"
        )
        made_up = api.get("/health", headers={"X-Request-ID": "bad id\x7f"}).headers["x-request-id"]
        assert made_up != "bad id\x7f"
        assert len(made_up) == 32
        problem = assert_problem(api.get("/nowhere", headers={"X-Request-ID": "req-9"}), 404)
        assert problem["request_id"] == "req-9"
        missing = f"/rooms/{uuid.uuid4()}"
        problem = assert_problem(api.get(missing, headers={"X-Request-ID": "req-10"}), 404)
        assert problem["request_id"] == "req-10"
