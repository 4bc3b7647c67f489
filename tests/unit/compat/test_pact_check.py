"""`rooms contracts pacts`: each class of reliance the spec does not promise, caught and named.

A small spec with the features under test; each test builds one pact interaction that breaks
one rule, and a near twin that keeps it (so each check is shown to fail and to pass).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from rooms.compat.openapi_document import DocumentRefused
from rooms.compat.pact_spec_check import STRICT_QUERY, Finding, check_pacts
from rooms.entrypoints.cli import main

PROBLEM = {"type": "object", "properties": {"title": {"type": "string"}}}
ITEMS = {"type": "array", "minItems": 1, "maxItems": 10, "items": {"type": "integer"}}
SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "components": {
        "securitySchemes": {
            "key": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "queryKey": {"type": "apiKey", "in": "query", "name": "key"},
            "session": {"type": "apiKey", "in": "cookie", "name": "sid"},
            "bearer": {"type": "http", "scheme": "bearer"},
        }
    },
    "paths": {
        "/things": {
            "get": {
                "operationId": "listThings",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"items": ITEMS}}
                            }
                        },
                    },
                    "default": {
                        "description": "a problem",
                        "content": {"application/problem+json": {"schema": PROBLEM}},
                    },
                },
            },
            "post": {
                "operationId": "addThing",
                "security": [{"key": []}, {"queryKey": []}, {"session": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "colour": {"type": "string", "enum": ["red", "blue"]}
                                },
                            }
                        }
                    },
                },
                "responses": {"201": {"description": "created"}, "401": {"description": "no key"}},
            },
            "delete": {
                "operationId": "clearThings",
                "security": [{"bearer": []}],
                "responses": {"204": {"description": "gone"}},
            },
        }
    },
}


def interaction(request: dict[str, Any], response: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "description": "it",
        "type": "Synchronous/HTTP",
        "request": request,
        "response": response,
        **extra,
    }


def pact(*interactions: dict[str, Any], version: str = "4.0") -> dict[str, Any]:
    return {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": version}},
    }


def findings(
    tmp_path: Path, *interactions: dict[str, Any], spec: dict[str, Any] = SPEC
) -> list[Finding]:
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec))
    (tmp_path / "pacts").mkdir(exist_ok=True)
    (tmp_path / "pacts" / "c-p.json").write_text(json.dumps(pact(*interactions)))
    return check_pacts(tmp_path / "pacts", tmp_path / "spec.yaml")


def rules(found: list[Finding]) -> set[str]:
    return {finding.rule for finding in found}


def post(
    headers: dict[str, Any] | None = None, query: dict[str, Any] | None = None, **body: Any
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": "POST",
        "path": "/things",
        "headers": {"Content-Type": ["application/json"], **(headers or {})},
        "body": {"content": body or {"colour": "red"}, "contentType": "application/json"},
    }
    if query:
        request["query"] = query
    return request


CREATED = {"status": 201}


# -- security ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "credentials",
    [
        {"headers": {"X-API-Key": ["k"]}},
        {"query": {"key": ["k"]}},
        {"headers": {"Cookie": ["a=1; sid=s"]}},
    ],
)
def test_any_listed_credential_is_enough(tmp_path: Path, credentials: dict[str, Any]) -> None:
    assert findings(tmp_path, interaction(post(**credentials), CREATED)) == []


def test_a_secured_call_without_a_credential_fails(tmp_path: Path) -> None:
    found = findings(tmp_path, interaction(post(), CREATED))
    assert rules(found) == {"missing-credentials"}
    assert "key or queryKey or session" in found[0].message


def test_a_credential_of_a_scheme_the_operation_does_not_list_fails_naming_it(
    tmp_path: Path,
) -> None:
    found = findings(tmp_path, interaction(post({"Authorization": ["Bearer t"]}), CREATED))
    assert rules(found) == {"unlisted-security-scheme"}
    assert "bearer" in found[0].message


def test_an_http_scheme_needs_its_authorization_scheme(tmp_path: Path) -> None:
    delete = {"method": "DELETE", "path": "/things"}
    bearer = interaction({**delete, "headers": {"Authorization": ["Bearer t"]}}, {"status": 204})
    basic = interaction({**delete, "headers": {"Authorization": ["Basic dTpw"]}}, {"status": 204})
    assert findings(tmp_path, bearer) == []
    assert rules(findings(tmp_path, basic)) == {"missing-credentials"}


def test_a_pact_about_a_refused_credential_may_leave_it_out(tmp_path: Path) -> None:
    assert findings(tmp_path, interaction(post(), {"status": 401})) == []


# -- default responses -----------------------------------------------------------------------

GET = {"method": "GET", "path": "/things"}


def test_a_status_only_default_covers_is_documented_and_checked_against_default(
    tmp_path: Path,
) -> None:
    problem = {
        "status": 503,
        "headers": {"Content-Type": ["application/problem+json"]},
        "body": {"content": {"title": "down"}},
    }
    assert findings(tmp_path, interaction(GET, problem)) == []
    wrong = copy.deepcopy(problem)
    wrong["body"]["content"]["retry"] = 5
    assert rules(findings(tmp_path, interaction(GET, wrong))) == {"not-promised"}


def test_without_a_default_an_undocumented_status_still_fails(tmp_path: Path) -> None:
    assert rules(findings(tmp_path, interaction(post({"X-API-Key": ["k"]}), {"status": 503}))) == {
        "undocumented-status"
    }


# -- media types -------------------------------------------------------------------------------


def test_a_request_content_type_the_body_does_not_declare_fails(tmp_path: Path) -> None:
    request = post({"X-API-Key": ["k"], "Content-Type": ["text/plain"]})
    request["body"]["contentType"] = "text/plain"
    assert rules(findings(tmp_path, interaction(request, CREATED))) == {"unsupported-media-type"}


def test_an_accept_no_response_of_that_status_satisfies_fails(tmp_path: Path) -> None:
    ok = {
        "status": 200,
        "headers": {"Content-Type": ["application/json"]},
        "body": {"content": {"items": [1]}},
    }
    for accept, expected in (
        ("application/xml", {"unsatisfiable-accept"}),
        ("application/*", set()),
        ("*/*", set()),
    ):
        request = {**GET, "headers": {"Accept": [accept]}}
        assert rules(findings(tmp_path, interaction(request, ok))) == expected, accept


def test_a_response_content_type_the_status_does_not_declare_fails(tmp_path: Path) -> None:
    response = {
        "status": 200,
        "headers": {"Content-Type": ["text/csv"]},
        "body": {"content": "1,2"},
    }
    assert rules(findings(tmp_path, interaction(GET, response))) == {"undocumented-media-type"}


# -- matchers ------------------------------------------------------------------------------------


def _ok(matchers: dict[str, Any] | None = None, items: list[int] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "status": 200,
        "headers": {"Content-Type": ["application/json"]},
        "body": {"content": {"items": items or [1]}},
    }
    if matchers:
        response["matchingRules"] = {"body": matchers}
    return response


def _rule(*matchers: dict[str, Any]) -> dict[str, Any]:
    return {"combine": "AND", "matchers": list(matchers)}


def test_a_regex_query_matcher_admitting_numbers_past_the_maximum_fails_naming_both(
    tmp_path: Path,
) -> None:
    request = {
        **GET,
        "query": {"limit": ["50"]},
        "matchingRules": {"query": {"limit": _rule({"match": "regex", "regex": "\\d+"})}},
    }
    found = findings(tmp_path, interaction(request, _ok()))
    assert rules(found) == {"matcher-admits-forbidden-values"}
    assert "regex matcher at query limit" in found[0].message
    assert "maximum 100" in found[0].message
    bounded = {
        **request,
        "matchingRules": {"query": {"limit": _rule({"match": "regex", "regex": "\\d{1,2}"})}},
    }
    assert findings(tmp_path, interaction(bounded, _ok())) == []


def test_an_array_matcher_admitting_fewer_items_than_min_items_fails(tmp_path: Path) -> None:
    loose = _ok({"$.items": _rule({"match": "type", "min": 0, "max": 5})})
    found = findings(tmp_path, interaction(GET, loose))
    assert rules(found) == {"matcher-admits-forbidden-values"}
    assert "minItems 1" in found[0].message
    assert (
        findings(
            tmp_path,
            interaction(GET, _ok({"$.items": _rule({"match": "type", "min": 1, "max": 10})})),
        )
        == []
    )


def test_an_array_matcher_with_no_max_fails_against_max_items(tmp_path: Path) -> None:
    found = findings(
        tmp_path, interaction(GET, _ok({"$.items": _rule({"match": "type", "min": 1})}))
    )
    assert "maxItems 10" in found[0].message


def test_a_matcher_of_another_kind_than_the_schema_fails_in_a_response(tmp_path: Path) -> None:
    decimal = _ok({"$.items[*]": _rule({"match": "decimal"})})
    assert rules(findings(tmp_path, interaction(GET, decimal))) == {
        "matcher-admits-forbidden-values"
    }
    assert (
        findings(tmp_path, interaction(GET, _ok({"$.items[*]": _rule({"match": "integer"})}))) == []
    )


def test_a_type_matcher_on_an_enumerated_request_value_fails(tmp_path: Path) -> None:
    request = post({"X-API-Key": ["k"]})
    request["matchingRules"] = {"body": {"$.colour": _rule({"match": "type"})}}
    found = findings(tmp_path, interaction(request, CREATED))
    assert rules(found) == {"matcher-admits-forbidden-values"}
    assert "enum" in found[0].message


# -- undocumented query parameters ---------------------------------------------------------------


def test_an_undocumented_query_parameter_is_a_warning_unless_the_operation_forbids_it(
    tmp_path: Path,
) -> None:
    request = {**GET, "query": {"colour": ["red"]}}
    [warning] = findings(tmp_path, interaction(request, _ok()))
    assert (warning.rule, warning.severity, warning.fails) == (
        "undocumented-query-parameter",
        "warning",
        False,
    )
    assert "ignores it" in warning.message
    strict = copy.deepcopy(SPEC)
    strict["paths"]["/things"]["get"][STRICT_QUERY] = True
    [failure] = findings(tmp_path, interaction(request, _ok()), spec=strict)
    assert (failure.rule, failure.fails) == ("unknown-parameter", True)


# -- reading the pact ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not JSON"),
        (
            json.dumps({"consumer": {"name": "c"}, "interactions": []}),
            '"provider" is a required property',
        ),
        (
            json.dumps({**pact(interaction(GET, {"status": 200})), "metadata": {}}),
            "no pactSpecification version",
        ),
        (
            json.dumps(pact(interaction(GET, {"status": 200}), version="1.0")),
            "1.0 is not read here",
        ),
        (json.dumps(pact({"description": "x", "request": {"method": "GET"}})), "$.interactions[0]"),
    ],
)
def test_a_pact_that_cannot_be_read_is_refused(tmp_path: Path, content: str, says: str) -> None:
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(SPEC))
    (tmp_path / "bad.json").write_text(content)
    with pytest.raises(DocumentRefused) as refused:
        check_pacts([tmp_path / "bad.json"], tmp_path / "spec.yaml")
    assert says in str(refused.value)


def test_the_command_answers_0_1_or_2(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(SPEC))
    good, bad, unreadable = (
        tmp_path / "good.json",
        tmp_path / "bad.json",
        tmp_path / "unreadable.json",
    )
    good.write_text(json.dumps(pact(interaction({**GET, "query": {"colour": ["red"]}}, _ok()))))
    bad.write_text(json.dumps(pact(interaction(post(), CREATED))))
    unreadable.write_text("[]")

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(
            main, ["contracts", "pacts", *args, "--spec", str(tmp_path / "spec.yaml")]
        )
        return result.exit_code, result.stdout

    code, out = run(str(good))
    assert code == 0
    assert "WARNING" in out
    assert "undocumented-query-parameter" in out
    code, out = run(str(good), str(bad), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["verdict"] == "relies-on-unpromised"
    assert {f["rule"] for f in report["findings"]} == {
        "undocumented-query-parameter",
        "missing-credentials",
    }
    code, out = run(str(unreadable), "--format", "json")
    assert code == 2
    assert json.loads(out)["verdict"] == "refused"


def test_the_default_spec_is_the_bundled_contract(tmp_path: Path) -> None:
    pacts_dir = Path(__file__).resolve().parents[3] / "contracts" / "pacts"
    result = CliRunner().invoke(main, ["contracts", "pacts", str(pacts_dir)])
    assert result.exit_code == 0, result.output
    assert "relies-only-on-promises" in result.output
