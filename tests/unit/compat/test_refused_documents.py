"""What the guard cannot judge it refuses: one message, exit status 2, a JSON verdict "refused"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from rooms.compat.openapi_document import DocumentRefused, load_openapi
from rooms.contract_files import openapi_path
from rooms.entrypoints.cli import main

INFO = {"title": "t", "version": "1"}


def _write(path: Path, document: Any) -> Path:
    path.write_text(yaml.safe_dump(document) if not isinstance(document, str) else document)
    return path


def _diff(base: Path, head: Path, *options: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["contracts", "diff", str(base), str(head), *options])
    return result.exit_code, result.stdout, result.stderr


def _swagger(required: list[str]) -> dict[str, Any]:
    member = {"type": "object", "properties": {"id": {"type": "string"}}}
    schema = {**member, "required": required} if required else member
    return {
        "swagger": "2.0",
        "info": INFO,
        "paths": {
            "/rooms": {"get": {"responses": {"200": {"description": "ok", "schema": schema}}}}
        },
    }


def test_swagger_2_is_refused_naming_a_converter_not_answered_unchanged(tmp_path: Path) -> None:
    # The response lost a required member: a 3.0 reading of these files would say "unchanged".
    base = _write(tmp_path / "base.yaml", _swagger(["id"]))
    head = _write(tmp_path / "head.yaml", _swagger([]))
    code, out, err = _diff(base, head)
    assert code == 2, out + err
    assert "declares Swagger 2.0" in err
    assert "swagger2openapi" in err
    assert "verdict" not in out


def test_a_responses_member_that_is_not_an_object_is_refused_with_its_json_path(
    tmp_path: Path,
) -> None:
    document = yaml.safe_load(openapi_path().read_text())
    document["paths"]["/rooms"]["get"]["responses"] = "x"
    head = _write(tmp_path / "head.yaml", document)
    code, out, err = _diff(openapi_path(), head, "--format", "json")
    assert code == 2, out + err
    report = json.loads(out)
    assert report["verdict"] == "refused"
    [refused] = report["refused"]
    assert refused["file"] == str(head)
    assert refused["declared_version"] == "OpenAPI 3.0.3"
    assert refused["errors"][0]["path"] == "$.paths['/rooms'].get.responses"
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    ("document", "declared", "says"),
    [
        ({"openapi": "3.2.0", "info": INFO, "paths": {}}, "OpenAPI 3.2.0", "not a version"),
        ({"openapi": "4", "info": INFO, "paths": {}}, "OpenAPI 4", "not a version"),
        ({"info": INFO, "paths": {}}, None, "no `openapi` member"),
        ({"openapi": "3.0.3", "paths": {}}, "OpenAPI 3.0.3", '"info" is a required property'),
        (
            {
                "openapi": "3.0.3",
                "info": INFO,
                "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/nowhere"}}}}},
            },
            "OpenAPI 3.0.3",
            "points at nothing",
        ),
        ("paths: [unclosed", None, "not YAML or JSON"),
        ("- a list", None, "a document is a mapping"),
    ],
)
def test_what_cannot_be_judged_is_refused_with_the_declared_version_and_the_reason(
    tmp_path: Path, document: Any, declared: str | None, says: str
) -> None:
    path = _write(tmp_path / "doc.yaml", document)
    with pytest.raises(DocumentRefused) as refused:
        load_openapi(path)
    assert refused.value.declared == declared
    assert says in str(refused.value)
    code, _, err = _diff(openapi_path(), path)
    assert code == 2
    assert says in err


def test_a_missing_file_is_refused_not_compared_as_nothing(tmp_path: Path) -> None:
    with pytest.raises(DocumentRefused, match="cannot read"):
        load_openapi(tmp_path / "absent.yaml")


def test_valid_3_0_and_3_1_documents_are_read_with_their_version(tmp_path: Path) -> None:
    assert load_openapi(openapi_path()).version == "3.0"
    document = {"openapi": "3.1.0", "info": INFO, "paths": {}}
    assert load_openapi(_write(tmp_path / "doc.yaml", document)).version == "3.1"


def test_refusal_is_not_the_breaking_status(tmp_path: Path) -> None:
    # 1 is "breaking change found"; a refused input must never be mistaken for it, nor for 0.
    broken = _write(tmp_path / "broken.yaml", {"openapi": "3.0.3", "paths": {}})
    code, _, _ = _diff(openapi_path(), broken)
    assert code not in (0, 1)


def test_a_document_nested_too_deeply_to_read_is_refused_not_a_traceback(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("openapi: 3.0.3\nx-deep: " + "[" * 20000 + "]" * 20000 + "\n")
    with pytest.raises(DocumentRefused, match="nested too deeply"):
        load_openapi(deep)
    result = CliRunner().invoke(main, ["contracts", "pacts", str(tmp_path), "--spec", str(deep)])
    assert result.exit_code == 2
    assert "nested too deeply" in result.stderr
