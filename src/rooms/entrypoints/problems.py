"""RFC 9457 problem documents: the one shape of every error this service answers with."""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from flask import Response as FlaskResponse
from starlette.exceptions import HTTPException

from rooms.domain.errors import DuplicateRoomUrl, InvalidRoom, RoomError, RoomNotFound, StaleRoom
from rooms.entrypoints.request_validation import ContractViolation

PROBLEM_JSON = "application/problem+json"
_PROBLEMS = "https://rooms.example/problems/"

# Set by the request middleware so every problem can say which request it answers.
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)

_HTTP_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    type_: str = "about:blank",
    violations: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or _HTTP_TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    request_id = current_request_id.get()
    if request_id:
        body["request_id"] = request_id
    if violations:
        body["violations"] = violations
    return body


def problem_bytes(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def _domain_problem(error: RoomError) -> dict[str, Any]:
    if isinstance(error, RoomNotFound):
        return problem(404, str(error), title="Room not found", type_=_PROBLEMS + "room-not-found")
    if isinstance(error, DuplicateRoomUrl):
        return problem(
            409, str(error), title="Duplicate room url", type_=_PROBLEMS + "duplicate-url"
        )
    if isinstance(error, StaleRoom):
        return problem(
            412, str(error), title="Precondition failed", type_=_PROBLEMS + "precondition-failed"
        )
    if isinstance(error, InvalidRoom):
        return problem(
            400,
            str(error),
            title="Request is not valid",
            type_=_PROBLEMS + "validation",
            violations=error.violations,
        )
    return problem(500, "An unexpected domain error occurred.")


def domain_error_response(error: RoomError) -> FlaskResponse:
    """Flask error handler: domain errors raised by operation functions."""
    body = _domain_problem(error)
    return FlaskResponse(problem_bytes(body), status=body["status"], mimetype=PROBLEM_JSON)


def connexion_problem_response(
    _request: ConnexionRequest, error: ProblemException
) -> ConnexionResponse:
    """connexion error handler: validation, security and media type problems."""
    violations = None
    if isinstance(error, ContractViolation):
        violations = [v.as_json() for v in error.violations]
    body = problem(
        error.status,
        str(error.detail),
        title=error.title,
        type_=error.type or "about:blank",
        violations=violations,
    )
    return ConnexionResponse(
        status_code=error.status,
        mimetype=PROBLEM_JSON,
        body=problem_bytes(body),
        headers=dict(error.headers or {}),
    )


def http_exception_response(_request: ConnexionRequest, error: HTTPException) -> ConnexionResponse:
    """connexion error handler: routing answers such as 404 and 405."""
    body = problem(error.status_code, str(error.detail))
    return ConnexionResponse(
        status_code=error.status_code,
        mimetype=PROBLEM_JSON,
        body=problem_bytes(body),
        headers=dict(error.headers or {}),
    )
