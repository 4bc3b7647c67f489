"""Any real spec, or a clear word why not: multi-file specs, dangling refs, Swagger 2.0."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from rooms_mock.engine import MockEngine, MockOptions, MockRequest
from rooms_mock.spec import SpecError, load_spec


def _write(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def _multi_file(tmp_path: Path) -> Path:
    _write(
        tmp_path / "schemas" / "pet.yaml",
        {
            "Pet": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "integer", "minimum": 1},
                    "name": {"type": "string", "minLength": 1},
                    "owner": {"$ref": "#/Owner"},  # local to this file
                },
                "example": {"id": 7, "name": "Rex"},
            },
            "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
        },
    )
    _write(
        tmp_path / "parameters.yaml",
        {"PetId": {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}},
    )
    return _write(
        tmp_path / "openapi.yaml",
        {
            "openapi": "3.0.3",
            "info": {"title": "Pets", "version": "1"},
            "paths": {
                "/pets/{petId}": {
                    "parameters": [{"$ref": "parameters.yaml#/PetId"}],
                    "get": {
                        "operationId": "getPet",
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "./schemas/pet.yaml#/Pet"}
                                    }
                                },
                            },
                            "400": {"description": "bad"},
                        },
                    },
                    "put": {
                        "operationId": "putPet",
                        "requestBody": {
                            "content": {
                                "application/json": {"schema": {"$ref": "schemas/pet.yaml#/Pet"}}
                            }
                        },
                        "responses": {"204": {"description": "ok"}, "400": {"description": "bad"}},
                    },
                }
            },
        },
    )


def test_a_multi_file_spec_is_served(tmp_path: Path) -> None:
    engine = MockEngine.from_path(_multi_file(tmp_path))
    assert engine.handle(MockRequest("GET", "/pets/7")).json() == {"id": 7, "name": "Rex"}
    assert engine.handle(MockRequest("GET", "/pets/seven")).status == 400
    refused = engine.handle(
        MockRequest(
            "PUT",
            "/pets/7",
            headers={"content-type": "application/json"},
            body=b'{"id": 7, "name": "", "owner": {"name": 3}}',
        )
    )
    assert refused.status == 400
    assert {v.location for v in refused.violations} == {"/name", "/owner/name"}


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("#/components/schemas/Nope", r"^\$ref '#/components/schemas/Nope' at #/paths/~1t/get/"),
        ("other.yaml#/Nope", r"^\$ref 'other.yaml#/Nope' at #/paths/.* leads nowhere$"),
        ("missing.yaml#/Nope", r"^\$ref 'missing.yaml#/Nope' at .*: cannot read .*missing.yaml"),
    ],
)
def test_a_dangling_ref_is_one_line_naming_it(tmp_path: Path, ref: str, message: str) -> None:
    _write(tmp_path / "other.yaml", {"Thing": {"type": "string"}})
    schema = {"$ref": ref}
    spec = _write(
        tmp_path / "openapi.yaml",
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/t": {
                    "get": {
                        "operationId": "t",
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {"application/json": {"schema": schema}},
                            }
                        },
                    }
                }
            },
        },
    )
    with pytest.raises(SpecError, match=message) as failure:
        load_spec(spec)
    assert "\n" not in str(failure.value)


def test_swagger_2_is_refused_naming_a_converter(tmp_path: Path) -> None:
    spec = _write(tmp_path / "swagger.yaml", {"swagger": "2.0", "info": {}, "paths": {}})
    with pytest.raises(
        SpecError, match=r"is Swagger 2\.0; rooms-mock serves OpenAPI 3.*swagger2openapi"
    ):
        load_spec(spec)


def _ops(paths: dict[str, Any], components: dict[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
    }
    if components:
        document["components"] = components
    return document


def _json(schema: Any, example: Any = None) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"description": "ok", "content": {"application/json": media}}


def test_an_operation_with_no_usable_response_is_skipped_with_a_warning() -> None:
    engine = MockEngine(
        _ops(
            {
                "/broken": {"get": {"operationId": "broken", "responses": {}}},
                "/fine": {
                    "get": {"operationId": "fine", "responses": {"204": {"description": ""}}}
                },
            }
        )
    )
    assert [op.operation_id for op in engine.operations] == ["fine"]
    assert engine.warnings == ["skipped GET /broken: broken documents no response"]
    assert engine.handle(MockRequest("GET", "/fine")).status == 204


def test_stateful_mode_says_which_resources_it_inferred_and_why_not() -> None:
    pet = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string"}},
    }
    shape = {"oneOf": [pet, {"type": "object", "properties": {"kind": {"type": "string"}}}]}
    body = {"content": {"application/json": {"schema": pet}}}
    engine = MockEngine(
        _ops(
            {
                "/pets": {
                    "post": {
                        "operationId": "addPet",
                        "requestBody": body,
                        "responses": {"201": _json(pet)},
                    }
                },
                "/pets/{id}": {"get": {"operationId": "getPet", "responses": {"200": _json(pet)}}},
                "/shapes": {
                    "post": {
                        "operationId": "addShape",
                        "requestBody": body,
                        "responses": {"201": _json(shape)},
                    }
                },
                "/shapes/{id}": {
                    "get": {"operationId": "getShape", "responses": {"200": _json(shape)}}
                },
                "/jobs": {
                    "post": {"operationId": "startJob", "responses": {"202": {"description": ""}}}
                },
            }
        )
    )
    assert engine.inference.report() == [
        "stateful: /pets (create addPet, read getPet)",
        "not stateful: /shapes: the item schema (getShape's answer) is a oneOf/anyOf of alternatives",
        "not stateful: /jobs: startJob takes no body",
    ]


def test_openapi_31_is_served_with_31_semantics(tmp_path: Path) -> None:
    thing = {
        "type": "object",
        "required": ["kind", "size", "note"],
        "properties": {
            "kind": {"const": "thing"},
            "size": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
            "note": {"type": ["string", "null"], "maxLength": 5},
        },
    }
    document = _ops(
        {
            "/things": {
                "post": {
                    "operationId": "addThing",
                    "requestBody": {"content": {"application/json": {"schema": thing}}},
                    "responses": {"201": _json(thing), "400": {"description": "bad"}},
                }
            }
        }
    )
    document["openapi"] = "3.1.0"

    def post(body: dict[str, Any]) -> list[tuple[str, str]]:
        response = engine.handle(
            MockRequest(
                "POST",
                "/things",
                headers={"content-type": "application/json"},
                body=json.dumps(body).encode(),
            )
        )
        return [(v.location, v.rule) for v in response.violations]

    spec = _write(tmp_path / "openapi.yaml", document)
    engine = MockEngine.from_path(spec)
    assert post({"kind": "thing", "size": 5, "note": None}) == []
    assert post({"kind": "thing", "size": 9, "note": "short"}) == []
    assert sorted(post({"kind": "other", "size": 0, "note": 3})) == [
        ("/kind", "enum"),  # const
        ("/note", "anyOf"),  # neither a string nor null
        ("/size", "exclusiveMinimum"),
    ]
    assert post({"kind": "thing", "size": 10, "note": "x"}) == [("/size", "exclusiveMaximum")]
    for seed in range(20):
        drawn = (
            MockEngine.from_path(spec, MockOptions(dynamic=True, seed=seed))
            .handle(
                MockRequest(
                    "POST",
                    "/things",
                    headers={"content-type": "application/json"},
                    body=b'{"kind": "thing", "size": 1, "note": null}',
                )
            )
            .json()
        )
        assert drawn["kind"] == "thing"
        assert 0 < drawn["size"] < 10


def test_a_spec_whose_errors_are_not_problems_gets_answers_in_its_own_shape() -> None:
    error = {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
        "additionalProperties": False,
    }
    pet = {"type": "object", "properties": {"name": {"type": "string", "minLength": 1}}}
    engine = MockEngine(
        _ops(
            {
                "/pets": {
                    "post": {
                        "operationId": "addPet",
                        "requestBody": {"content": {"application/json": {"schema": pet}}},
                        "responses": {"201": _json(pet), "default": _json(error)},
                    }
                }
            }
        )
    )
    refused = engine.handle(
        MockRequest(
            "POST", "/pets", headers={"content-type": "application/json"}, body=b'{"name": ""}'
        )
    )
    assert refused.status == 400
    assert refused.header("content-type") == "application/json"
    assert refused.json() == {"code": 400, "message": "The request breaks 1 rule of the contract."}
    assert refused.header("x-mock-violations") == "body /name: minLength"


def _form_engine() -> MockEngine:
    form = {
        "type": "object",
        "required": ["name", "age"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "age": {"type": "integer", "minimum": 0},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
            "photo": {"type": "string", "format": "binary"},
        },
    }
    body = {
        "content": {
            "application/x-www-form-urlencoded": {"schema": form},
            "multipart/form-data": {"schema": form},
        }
    }
    return MockEngine(
        _ops(
            {
                "/pets": {
                    "post": {
                        "operationId": "addPet",
                        "requestBody": body,
                        "responses": {"204": {"description": "ok"}, "400": {"description": "bad"}},
                    }
                }
            }
        )
    )


@pytest.mark.parametrize(
    ("text", "broken"),
    [
        ("name=Rex&age=3&tags=a&tags=b", []),
        ("name=&age=old", [("/age", "type"), ("/name", "minLength")]),
        ("age=3&tags=a&tags=b&tags=c", [("/", "required"), ("/tags", "maxItems")]),
    ],
)
def test_form_bodies_are_validated(text: str, broken: list[tuple[str, str]]) -> None:
    response = _form_engine().handle(
        MockRequest(
            "POST",
            "/pets",
            headers={"content-type": "application/x-www-form-urlencoded"},
            body=text.encode(),
        )
    )
    assert sorted((v.location, v.rule) for v in response.violations) == broken
    assert response.status == (400 if broken else 204)


def _multipart(*parts: tuple[str, str, bytes]) -> tuple[str, bytes]:
    boundary = "b0undary"
    chunks = []
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        chunks.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
        )
    return f"multipart/form-data; boundary={boundary}", b"".join(
        chunks
    ) + f"--{boundary}--\r\n".encode()


def test_multipart_bodies_are_validated_files_included() -> None:
    engine = _form_engine()
    content_type, body = _multipart(
        ("name", "", b"Rex"), ("age", "", b"4"), ("photo", "rex.png", b"\x89PNG\x00")
    )
    ok = engine.handle(
        MockRequest("POST", "/pets", headers={"content-type": content_type}, body=body)
    )
    assert (ok.status, ok.violations) == (204, ())
    content_type, body = _multipart(("name", "", b"Rex"), ("age", "", b"-1"))
    refused = engine.handle(
        MockRequest("POST", "/pets", headers={"content-type": content_type}, body=body)
    )
    assert [(v.location, v.rule) for v in refused.violations] == [("/age", "minimum")]
    no_boundary = engine.handle(
        MockRequest("POST", "/pets", headers={"content-type": "multipart/form-data"}, body=b"x")
    )
    assert [v.rule for v in no_boundary.violations] == ["form"]


def _xml_engine() -> MockEngine:
    pet = {
        "type": "object",
        "xml": {"name": "pet"},
        "properties": {
            "name": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    example = {"name": "Rex", "tags": ["good", "dog"]}
    ok = {
        "description": "ok",
        "content": {
            "application/xml": {"schema": pet, "example": example},
            "application/json": {"schema": pet, "example": example},
        },
    }
    return MockEngine(_ops({"/pet": {"get": {"operationId": "getPet", "responses": {"200": ok}}}}))


def test_xml_is_rendered_as_xml_or_negotiated_to_json() -> None:
    engine = _xml_engine()
    as_xml = engine.handle(MockRequest("GET", "/pet"))
    assert as_xml.header("content-type") == "application/xml"
    assert as_xml.body == (
        b"<?xml version='1.0' encoding='utf-8'?>\n"
        b"<pet><name>Rex</name><tags>good</tags><tags>dog</tags></pet>"
    )
    as_json = engine.handle(MockRequest("GET", "/pet", headers={"accept": "application/json"}))
    assert as_json.header("content-type") == "application/json"
    assert as_json.json() == {"name": "Rex", "tags": ["good", "dog"]}
    preferred = engine.handle(
        MockRequest("GET", "/pet", headers={"accept": "application/xml;q=0.5, application/json"})
    )
    assert preferred.header("content-type") == "application/json"
