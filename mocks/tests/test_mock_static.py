"""Static mode: the spec's examples, chosen by `Prefer` as Prism does, with their headers."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import NEW_ROOM, ROOM_ID, SPEC, Call, Oracle, caller
from rooms_mock.engine import MockEngine, MockOptions
from rooms_mock.prefer import parse_prefer


def example(document: dict[str, Any], name: str) -> Any:
    return document["components"]["examples"][name]["value"]


def test_get_answers_the_documented_example(call: Call, spec_document: dict[str, Any]) -> None:
    response = call("GET", f"/rooms/{ROOM_ID}")
    assert response.status == 200
    assert response.header("content-type") == "application/json"
    assert response.json() == example(spec_document, "RoomCentralFlat")
    assert response.header("ETag")  # documented as required
    assert response.operation_id == "getRoom"


def test_create_answers_201_with_location_of_the_example_and_etag(
    call: Call, spec_document: dict[str, Any]
) -> None:
    response = call("POST", "/rooms", json_body=NEW_ROOM)
    assert response.status == 201
    assert response.json() == example(spec_document, "RoomCentralFlat")
    assert response.header("Location") == f"/rooms/{ROOM_ID}"
    assert response.header(
        "ETag",
    ).startswith('"')  # type: ignore[union-attr]


def test_first_named_example_is_the_default_and_prefer_example_picks_another(call: Call) -> None:
    assert call("GET", "/rooms").json()["items"][0]["id"] == ROOM_ID
    assert call("GET", "/rooms", headers={"Prefer": "example=empty"}).json() == {"items": []}


def test_prefer_code_answers_that_documented_response(
    call: Call, spec_document: dict[str, Any]
) -> None:
    response = call("GET", f"/rooms/{ROOM_ID}", headers={"Prefer": "code=404"})
    assert response.status == 404
    assert response.header("content-type") == "application/problem+json"
    not_found = spec_document["components"]["responses"]["NotFound"]
    assert (
        response.json()
        == not_found["content"]["application/problem+json"]["examples"]["noSuchRoom"]["value"]
    )


def test_prefer_code_and_example_together(call: Call) -> None:
    response = call("GET", "/ready", headers={"Prefer": "code=503, example=databaseDown"})
    assert response.status == 503
    assert response.json()["status"] == "unavailable"


def test_prefer_code_through_the_default_response_keeps_the_asked_status(call: Call) -> None:
    response = call("GET", "/health", headers={"Prefer": "code=503"})
    assert response.status == 503  # /health documents only `default` besides 200
    assert response.header("content-type") == "application/problem+json"


def test_prefer_code_covered_only_by_default_answers_from_default(call: Call) -> None:
    response = call("GET", f"/rooms/{ROOM_ID}", headers={"Prefer": "code=418"})
    assert response.status == 418
    assert response.header("content-type") == "application/problem+json"


def test_impossible_prefer_code_is_a_consumer_bug_explained(call: Call, oracle: Oracle) -> None:
    response = call("GET", f"/rooms/{ROOM_ID}", headers={"Prefer": "code=999"})
    assert response.status == 400
    assert "999" in response.json()["detail"]
    oracle.assert_valid("Problem", response.json())


def test_undocumented_prefer_code_without_default_is_refused(tmp_path: Any) -> None:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n"
        "      responses:\n        '200': {description: ok}\n        '400': {description: bad}\n",
        encoding="utf-8",
    )
    response = caller(MockEngine.from_path(spec))("GET", "/x", headers={"Prefer": "code=404"})
    assert response.status == 400
    assert "documents only 200, 400" in response.json()["detail"]


def test_unknown_example_name_lists_the_known_ones(call: Call) -> None:
    response = call("GET", "/rooms", headers={"Prefer": "example=nope"})
    assert response.status == 400
    assert "firstPage, empty" in response.json()["detail"]


def test_prefer_dynamic_draws_from_the_schema(call: Call, oracle: Oracle) -> None:
    response = call("GET", f"/rooms/{ROOM_ID}", headers={"Prefer": "dynamic=true"})
    assert response.status == 200
    oracle.assert_valid("Room", response.json())
    assert response.json()["name"] != "Bright room near Príncipe Real"


def test_prefer_dynamic_false_overrides_a_dynamic_server(spec_document: dict[str, Any]) -> None:
    dynamic = caller(MockEngine.from_path(SPEC, MockOptions(dynamic=True)))
    response = dynamic("GET", f"/rooms/{ROOM_ID}", headers={"Prefer": "dynamic=false"})
    assert response.json() == example(spec_document, "RoomCentralFlat")


def test_unknown_path_is_a_404_problem(call: Call) -> None:
    response = call("GET", "/nowhere")
    assert response.status == 404
    assert response.header("content-type") == "application/problem+json"


def test_undocumented_method_is_405_with_allow(call: Call) -> None:
    response = call("PUT", f"/rooms/{ROOM_ID}")
    assert response.status == 405
    assert response.header("allow") == "DELETE, GET, PATCH"


def test_accept_nothing_offered_is_lenient_where_the_spec_is_silent(call: Call) -> None:
    # getRoom documents no 406: as the service does, the mock answers what it offers.
    response = call("GET", f"/rooms/{ROOM_ID}", headers={"Accept": "text/csv"})
    assert (response.status, response.header("content-type")) == (200, "application/json")
    assert call("GET", f"/rooms/{ROOM_ID}", headers={"Accept": "application/*"}).status == 200


def test_accept_nothing_offered_is_406_where_the_spec_documents_it(
    spec_document: dict[str, Any],
) -> None:
    import copy

    document = copy.deepcopy(spec_document)
    document["paths"]["/rooms/{roomId}"]["get"]["responses"]["406"] = {"description": "no"}
    engine = MockEngine(document)
    refused = caller(engine)("GET", f"/rooms/{ROOM_ID}", headers={"Accept": "text/csv"})
    assert refused.status == 406
    assert [v.rule for v in refused.violations] == ["not-acceptable"]


def test_204_has_no_body(call: Call) -> None:
    response = call("DELETE", f"/rooms/{ROOM_ID}")
    assert (response.status, response.body, response.header("content-type")) == (204, b"", None)


@pytest.mark.parametrize(
    ("header", "code", "name", "dynamic"),
    [
        ("code=404", 404, None, None),
        ("example=empty", None, "empty", None),
        ("dynamic=true", None, None, True),
        ('code=200; example="firstPage", dynamic=false', 200, "firstPage", False),
        ("respond-async, wait=5", None, None, None),
    ],
)
def test_prefer_header_is_read_like_prism(
    header: str, code: int | None, name: str | None, dynamic: bool | None
) -> None:
    preference = parse_prefer(header)
    assert (preference.code, preference.example, preference.dynamic) == (code, name, dynamic)


def test_every_operation_default_answer_is_valid(
    call: Call, oracle: Oracle, spec_document: dict[str, Any]
) -> None:
    schemas = {
        ("GET", "/rooms"): "RoomPage",
        ("GET", f"/rooms/{ROOM_ID}"): "Room",
        ("GET", "/health"): "Health",
        ("GET", "/ready"): "Readiness",
    }
    for (method, path), schema in schemas.items():
        oracle.assert_valid(schema, call(method, path).json())


def test_an_example_that_breaks_its_schema_is_not_served(tmp_path: Any) -> None:
    """Fault injection: a spec whose example is wrong; the mock warns and draws a valid body."""
    broken = SPEC.read_text(encoding="utf-8").replace(
        "price: 85000\n        monthly_price", "price: -5\n        monthly_price"
    )
    assert broken != SPEC.read_text(encoding="utf-8")
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    engine = MockEngine.from_path(path)
    assert any("centralFlat" in warning for warning in engine.warnings)
    body = caller(engine)("GET", f"/rooms/{ROOM_ID}").json()
    assert body["price"] >= 0
