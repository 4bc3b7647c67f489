"""Stateful mode: what POST creates, GET, list, PATCH and DELETE see, with ETags and 412s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import NEW_ROOM, ROOM_ID, SPEC, Call, Oracle, caller
from rooms_mock.engine import MockEngine, MockOptions

PATCH = {"Content-Type": "application/merge-patch+json"}


def create(call: Call, **changes: Any) -> dict[str, Any]:
    response = call("POST", "/rooms", json_body={**NEW_ROOM, **changes})
    assert response.status == 201, response.body
    return response.json()  # type: ignore[no-any-return]


def test_created_room_is_read_back(stateful_call: Call, oracle: Oracle) -> None:
    response = stateful_call("POST", "/rooms", json_body=NEW_ROOM)
    room = response.json()
    oracle.assert_valid("Room", room)
    assert room["name"] == NEW_ROOM["name"]
    # What the client left out, the contract's defaults fill; the server's members are set.
    assert (room["description"], room["images"], room["is_visible"]) == ("", [], True)
    assert room["version"] == 1
    assert room["created_at"] == room["updated_at"]
    assert response.header("Location") == f"/rooms/{room['id']}"
    read = stateful_call("GET", f"/rooms/{room['id']}")
    assert read.json() == room
    assert read.header("ETag") == response.header("ETag")


def test_unknown_room_is_the_documented_404(stateful_call: Call, oracle: Oracle) -> None:
    response = stateful_call("GET", f"/rooms/{ROOM_ID}")
    assert response.status == 404
    assert response.json()["type"] == "https://rooms.example/problems/room-not-found"
    oracle.assert_valid("Problem", response.json())


def test_patch_merges_bumps_version_and_changes_etag(stateful_call: Call) -> None:
    room = create(stateful_call, coordinates={"lat": 1.0, "lon": 2.0}, description="d")
    before = stateful_call("GET", f"/rooms/{room['id']}").header("ETag")
    response = stateful_call(
        "PATCH",
        f"/rooms/{room['id']}",
        headers=PATCH,
        json_body={"price": 9, "coordinates": {"lat": 5.0}, "description": None},
    )
    patched = response.json()
    assert response.status == 200
    assert patched["price"] == 9
    assert patched["coordinates"] == {"lat": 5.0, "lon": 2.0}  # nested objects merge
    assert patched["description"] == ""  # null puts back the default of a required member
    assert patched["version"] == 2
    assert response.header("ETag") != before
    assert stateful_call("GET", f"/rooms/{room['id']}").json() == patched


def test_patch_that_leaves_an_invalid_room_is_refused(stateful_call: Call, oracle: Oracle) -> None:
    room = create(stateful_call)
    response = stateful_call(
        "PATCH", f"/rooms/{room['id']}", headers=PATCH, json_body={"coordinates": {"lat": 1.0}}
    )
    assert response.status == 400
    oracle.assert_valid("Problem", response.json())
    assert response.json()["violations"][0]["location"] == "/coordinates"
    assert stateful_call("GET", f"/rooms/{room['id']}").json() == room


def test_stale_if_match_is_412_and_current_one_applies(stateful_call: Call) -> None:
    room = create(stateful_call)
    etag = stateful_call("GET", f"/rooms/{room['id']}").header("ETag")
    stale = stateful_call(
        "PATCH",
        f"/rooms/{room['id']}",
        headers={**PATCH, "If-Match": '"other"'},
        json_body={"price": 1},
    )
    assert stale.status == 412
    assert stale.json()["type"] == "https://rooms.example/problems/precondition-failed"
    fresh = stateful_call(
        "PATCH",
        f"/rooms/{room['id']}",
        headers={**PATCH, "If-Match": str(etag)},
        json_body={"price": 1},
    )
    assert fresh.status == 200
    assert (
        stateful_call("DELETE", f"/rooms/{room['id']}", headers={"If-Match": str(etag)}).status
        == 412
    )


def test_delete_then_gone(stateful_call: Call) -> None:
    room = create(stateful_call)
    assert stateful_call("DELETE", f"/rooms/{room['id']}").status == 204
    assert stateful_call("GET", f"/rooms/{room['id']}").status == 404
    assert stateful_call("DELETE", f"/rooms/{room['id']}").status == 404
    assert stateful_call("GET", "/rooms").json() == {"items": []}


def test_duplicate_url_is_409_as_the_contract_says(stateful_call: Call) -> None:
    create(stateful_call)
    response = stateful_call("POST", "/rooms", json_body=NEW_ROOM)
    assert response.status == 409
    assert response.json()["type"] == "https://rooms.example/problems/duplicate-url"
    other = create(stateful_call, url="https://stays.example/r/78")
    taken = stateful_call(
        "PATCH", f"/rooms/{other['id']}", headers=PATCH, json_body={"url": NEW_ROOM["url"]}
    )
    assert taken.status == 409


def test_list_filters_and_pages_in_creation_order(stateful_call: Call, oracle: Oracle) -> None:
    made = [
        create(
            stateful_call,
            url=f"https://stays.example/r/{n}",
            price=n * 100,
            area={"name": "a", "city": city, "country": "ES"},
            is_visible=n % 2 == 0,
        )
        for n, city in enumerate(["Barcelona", "Madrid", "Barcelona", "Barcelona", "Madrid"])
    ]
    everything = stateful_call("GET", "/rooms").json()
    assert [r["id"] for r in everything["items"]] == [r["id"] for r in made]
    in_barcelona = stateful_call("GET", "/rooms", "city=Barcelona").json()["items"]
    assert [r["id"] for r in in_barcelona] == [made[0]["id"], made[2]["id"], made[3]["id"]]
    priced = stateful_call("GET", "/rooms", "min_price=100&max_price=300").json()["items"]
    assert [r["price"] for r in priced] == [100, 200, 300]
    hidden = stateful_call("GET", "/rooms", "visible=false").json()["items"]
    assert [r["id"] for r in hidden] == [made[1]["id"], made[3]["id"]]

    seen: list[str] = []
    query = "limit=2"
    pages = 0
    while True:
        response = stateful_call("GET", "/rooms", query)
        page = response.json()
        oracle.assert_valid("RoomPage", page)
        seen += [r["id"] for r in page["items"]]
        pages += 1
        if "next" not in page:
            assert response.header("link") is None
            break
        assert response.header("link") == f'</rooms?limit=2&cursor={page["next"]}>; rel="next"'
        query = f"limit=2&cursor={page['next']}"
    assert (seen, pages) == ([r["id"] for r in made], 3)


def test_reset_forgets_everything(stateful_call: Call) -> None:
    engine: MockEngine = stateful_call.engine  # type: ignore[attr-defined]
    room = create(stateful_call)
    engine.reset()
    assert stateful_call("GET", f"/rooms/{room['id']}").status == 404
    assert create(stateful_call)["id"] == room["id"]  # ids are drawn from the seed again


def test_prefer_code_still_answers_the_example(stateful_call: Call) -> None:
    response = stateful_call("GET", f"/rooms/{ROOM_ID}", headers={"Prefer": "code=200"})
    assert (response.status, response.json()["id"]) == (200, ROOM_ID)


PETS = """
openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets:
    get:
      parameters:
        - {name: tag, in: query, schema: {type: string}}
      responses:
        '200':
          description: all
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
      responses:
        '201':
          description: made
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets/{petId}:
    parameters:
      - {name: petId, in: path, required: true, schema: {type: integer}}
    get:
      responses:
        '200':
          description: one
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
        '404': {description: none}
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
      responses:
        '200':
          description: replaced
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
    delete:
      responses:
        '204': {description: gone}
components:
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string}
    Pet:
      type: object
      required: [petId, name]
      properties:
        petId: {type: integer, readOnly: true}
        name: {type: string}
        tag: {type: string}
"""


def test_another_crud_spec_with_integer_ids(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(PETS, encoding="utf-8")
    call = caller(MockEngine.from_path(spec, MockOptions(stateful=True)))
    rex = call("POST", "/pets", json_body={"name": "Rex", "tag": "dog"}).json()
    tom = call("POST", "/pets", json_body={"name": "Tom"}).json()
    assert (rex["petId"], tom["petId"]) == (1, 2)
    assert call("GET", "/pets", "tag=dog").json() == [rex]
    replaced = call("PUT", "/pets/2", json_body={"name": "Tom", "tag": "cat"})
    assert replaced.json() == {"petId": 2, "name": "Tom", "tag": "cat"}
    assert call("DELETE", "/pets/1").status == 204
    assert call("GET", "/pets/1").status == 404
    assert call("GET", "/pets").json() == [replaced.json()]


def test_unique_members_can_be_named(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(
        PETS.replace(
            "'404': {description: none}",
            "'404': {description: none}\n        '409': {description: taken}",
        ),
        encoding="utf-8",
    )
    call = caller(MockEngine.from_path(spec, MockOptions(stateful=True, unique=("name",))))
    assert call("POST", "/pets", json_body={"name": "Rex"}).status == 201
    assert call("POST", "/pets", json_body={"name": "Rex"}).status == 409
    assert call("POST", "/pets", json_body={"name": "Tom"}).status == 201


def test_write_listeners_hear_every_successful_write_and_nothing_else() -> None:
    heard: list[tuple[str, int, Any]] = []
    engine = MockEngine.from_path(
        SPEC,
        MockOptions(stateful=True),
        on_write=lambda write: heard.append((write.operation_id, write.status, write.body)),
    )
    call = caller(engine)
    room = create(call)
    call("GET", f"/rooms/{room['id']}")
    call("POST", "/rooms", json_body={"name": ""})  # refused: no write
    patched = call("PATCH", f"/rooms/{room['id']}", json_body={"price": 1}, headers=PATCH).json()
    call("DELETE", f"/rooms/{room['id']}")
    call("DELETE", f"/rooms/{room['id']}")  # 404: no write
    assert [(op, status) for op, status, _ in heard] == [
        ("createRoom", 201),
        ("updateRoom", 200),
        ("deleteRoom", 204),
    ]
    assert heard[0][2] == room
    assert heard[1][2] == patched


def test_a_prefer_that_picks_the_answer_bypasses_the_store(stateful_call: Call) -> None:
    room = create(stateful_call)
    example = stateful_call(
        "GET", f"/rooms/{room['id']}", headers={"Prefer": "example=centralFlat"}
    )
    assert example.status == 200
    assert example.json()["id"] == ROOM_ID  # the documented example, not the stored room
    drawn = stateful_call("GET", "/rooms", headers={"Prefer": "dynamic=true"})
    assert drawn.status == 200
    assert drawn.json() != stateful_call("GET", "/rooms").json()
    refused = stateful_call("GET", "/rooms", headers={"Prefer": "code=abc"})
    assert refused.status == 400
    assert "Prefer: code=abc is not an HTTP status code" in refused.json()["detail"]
    # and the store was left alone
    assert [r["id"] for r in stateful_call("GET", "/rooms").json()["items"]] == [room["id"]]
