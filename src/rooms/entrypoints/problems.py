"""RFC 9457 problem documents: the one shape of every error this service answers with."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from flask import Response as FlaskResponse
from flask import request
from starlette.exceptions import HTTPException

from rooms.domain.errors import DuplicateRoomUrl, InvalidRoom, RoomError, RoomNotFound, StaleRoom
from rooms.entrypoints.request_validation import ContractViolation

log = logging.getLogger("rooms.errors")

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
    408: "Request Timeout",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    431: "Request Header Fields Too Large",
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
    request_id: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or _HTTP_TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    request_id = request_id or current_request_id.get()
    if request_id:
        body["request_id"] = request_id
    if violations:
        body["violations"] = violations
    return body


def problem_bytes(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


# Each domain error's status, title and problem type.
_DOMAIN_PROBLEMS: dict[type[RoomError], tuple[int, str, str]] = {
    RoomNotFound: (404, "Room not found", "room-not-found"),
    DuplicateRoomUrl: (409, "Duplicate room url", "duplicate-url"),
    StaleRoom: (412, "Precondition failed", "precondition-failed"),
    InvalidRoom: (400, "Request is not valid", "validation"),
}


def _domain_problem(error: RoomError, request_id: str | None) -> dict[str, Any]:
    known = _DOMAIN_PROBLEMS.get(type(error))
    if known is None:
        return problem(500, "An unexpected domain error occurred.", request_id=request_id)
    status, title, kind = known
    return problem(
        status,
        str(error),
        title=title,
        type_=_PROBLEMS + kind,
        violations=error.violations if isinstance(error, InvalidRoom) else None,
        request_id=request_id,
    )


def domain_error_response(error: RoomError) -> FlaskResponse:
    """Flask error handler: domain errors raised by operation functions."""
    # Flask runs in a worker thread without the ASGI task's context: the request
    # middleware put the id in the headers for exactly this reason.
    body = _domain_problem(error, request.headers.get("X-Request-ID"))
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


def http_exception_handler(
    allowed_methods: Callable[[str], list[str]],
) -> Callable[[ConnexionRequest, HTTPException], ConnexionResponse]:
    """connexion error handler for routing answers (404, 405).

    Starlette's 405 lists the methods of the first route that matched the path, and
    connexion makes one route per operation, so `Allow` comes from the spec instead.
    """

    def respond(request: ConnexionRequest, error: HTTPException) -> ConnexionResponse:
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.url.path))
        body = problem(error.status_code, str(error.detail))
        return ConnexionResponse(
            status_code=error.status_code,
            mimetype=PROBLEM_JSON,
            body=problem_bytes(body),
            headers=headers,
        )

    return respond


def unavailable_problem(detail: str) -> dict[str, Any]:
    return problem(
        503,
        detail,
        title="Service unavailable",
        type_=_PROBLEMS + "unavailable",
    )


def database_unavailable_handler(
    retry_after: int, outages: tuple[type[Exception], ...]
) -> Callable[[Exception], FlaskResponse]:
    """Flask error handler: the database cannot be reached, or did not answer in time.

    The transaction was rolled back (or never began), so nothing of the request was kept;
    the client may send it again after `Retry-After` seconds. An error that is none of
    `outages` and was not caused by one is a bug, and stays one (500).
    """

    def respond(error: Exception) -> FlaskResponse:
        if not _caused_by(error, outages):
            raise error
        log.warning("database unavailable: %s", f"{type(error).__name__}: {error}"[:300])
        body = unavailable_problem(
            "The database did not answer in time; nothing was changed. Retry later."
        )
        body["request_id"] = request.headers.get("X-Request-ID") or body.get("request_id")
        return FlaskResponse(
            problem_bytes(body),
            status=503,
            mimetype=PROBLEM_JSON,
            headers={"Retry-After": str(retry_after)},
        )

    return respond


def _caused_by(error: BaseException | None, kinds: tuple[type[Exception], ...]) -> bool:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kinds):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False
