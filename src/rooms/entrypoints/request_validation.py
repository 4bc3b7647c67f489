"""connexion validators that compile each schema once and report every violation.

connexion 3.3 builds a fresh jsonschema validator on every request and stops at the first
error. These subclasses keep connexion's flow (media types, parsing, defaults) but validate
with precompiled jsonschema-rs validators and raise one problem listing all violations.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, NonConformingResponseBody
from connexion.lifecycle import ConnexionRequest
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    ParameterValidator,
)
from starlette.types import Scope

from rooms.entrypoints.openapi_schema import Violation, schema_cache


class ContractViolation(BadRequestProblem):  # type: ignore[misc]
    """A 400 that carries the list of violations for the problem body."""

    def __init__(self, violations: list[Violation]) -> None:
        count = len(violations)
        super().__init__(
            detail=f"The request breaks {count} rule{'s' if count != 1 else ''} of the contract."
        )
        self.title = "Request is not valid"
        self.type = "https://rooms.example/problems/validation"
        self.violations = violations


class ContractParameterValidator(ParameterValidator):  # type: ignore[misc]
    def validate_request(self, request: ConnexionRequest) -> None:
        violations: list[Violation] = []
        for where in ("path", "query", "header", "cookie"):
            for param in self.parameters.get(where, ()):
                violations.extend(_parameter_violations(where, param, request))
        if violations:
            raise ContractViolation(violations)


def _parameter_value(where: str, param: dict[str, Any], request: ConnexionRequest) -> Any:
    name = param["name"]
    if where == "path":
        return request.path_params.get(name.replace("-", "_"))
    if where == "query":
        return request.query_params.get(name)
    if where == "header":
        return request.headers.get(name)
    return request.cookies.get(name)


def _parameter_violations(
    where: str, param: dict[str, Any], request: ConnexionRequest
) -> list[Violation]:
    name = param["name"]
    try:
        value = _parameter_value(where, param, request)
    except BadRequestProblem as problem:  # connexion could not coerce it to the schema's type
        return [Violation(where, name, "type", str(problem.detail))]
    if value is None:
        if param.get("required"):
            return [Violation(where, name, "required", f"{where} parameter {name!r} is required")]
        return []
    schema = param.get("schema", {})
    compiled = schema_cache.get(schema)
    if compiled.is_valid(value):
        return []
    return [
        Violation(where, name, v.rule, v.message) for v in compiled.violations(value, where=where)
    ]


class ContractJSONBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    async def _parse(self, stream: AsyncIterator[bytes], scope: Scope) -> Any:
        # connexion 3.3 lets UnicodeDecodeError escape as a 500 (spec-first/connexion#1860).
        raw = b"".join([chunk async for chunk in stream])
        try:
            text = raw.decode(self._encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise ContractViolation(
                [
                    Violation(
                        "body", "/", "encoding", f"The body is not valid {self._encoding}: {error}"
                    )
                ]
            ) from None
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ContractViolation(
                [Violation("body", "/", "json", f"The body is not valid JSON: {error}")]
            ) from None

    def _validate(self, body: Any) -> None:
        if body is None:
            if not self._nullable:
                raise ContractViolation(
                    [Violation("body", "/", "required", "A JSON body is required")]
                )
            return
        compiled = schema_cache.get(self._schema)
        if not compiled.is_valid(body):
            raise ContractViolation(compiled.violations(body, where="body"))


class ContractJSONResponseValidator(JSONResponseBodyValidator):  # type: ignore[misc]
    def _validate(self, body: Any) -> None:
        compiled = schema_cache.get(self._schema)
        if not compiled.is_valid(body):
            details = "; ".join(
                f"{v.location}: {v.message}" for v in compiled.violations(body, where="body")
            )
            raise NonConformingResponseBody(
                detail=f"Response body does not conform to the contract: {details}"
            )


validator_map: dict[str, Any] = {
    "parameter": ContractParameterValidator,
    "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": ContractJSONBodyValidator}),
    "response": MediaTypeDict(
        {**VALIDATOR_MAP["response"], "*/*json": ContractJSONResponseValidator}
    ),
}
