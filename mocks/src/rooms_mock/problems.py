"""RFC 9457 problem bodies in the service's shape: type, title, status, detail, violations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rooms_mock.operations import ResponseContent
from rooms_mock.schemas import Violation

PROBLEM_JSON = "application/problem+json"

# Statuses for each kind of refusal: the first, if the operation documents it or has a
# `default` response; else the first of the others that it documents; else the first.
INVALID = (400, 422)
UNAUTHORIZED = (401, 403)
UNSUPPORTED_MEDIA = (415, 400)
NOT_ACCEPTABLE = (406, 400)
TOO_LARGE = (413, 400)
NOT_FOUND = (404,)
CONFLICT = (409,)
STALE = (412, 409)

HTTP_TITLES = {
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
    422: "Unprocessable Entity",
}


def problem_body(
    status: int,
    detail: str,
    content: ResponseContent | None,
    violations: list[Violation] | None = None,
    draw: Callable[[ResponseContent], Any] | None = None,
) -> Any:
    """The problem this mock answers with, valid against the documented response if possible.

    The documented example for the status lends its `type` and `title`, so the mock's problems
    read like the service's; when the documented schema cannot hold a problem (a spec whose
    errors are `Error{code, message}`), a body in that schema with the status and the detail
    where it names them, else the documented example.
    """
    kind, title = "about:blank", HTTP_TITLES.get(status, "Error")
    if content is not None:
        for example in content.examples.values():
            if isinstance(example, dict) and example.get("status") == status:
                kind = str(example.get("type", kind))
                title = str(example.get("title", title))
                break
    body: dict[str, Any] = {"type": kind, "title": title, "status": status, "detail": detail}
    if violations:
        body["violations"] = [violation.as_json() for violation in violations]
    if content is None or content.validator is None or content.validator.is_valid(body):
        return body
    if violations:
        without = {k: v for k, v in body.items() if k != "violations"}
        if content.validator.is_valid(without):
            return without
    # The spec's errors are not problems (`Error{code, message}`): answer in its own shape,
    # the message and the code filled where it names them; the violations go in the header.
    if draw is not None and content.schema is not None:
        drawn = draw(content)
        if isinstance(drawn, dict):
            shaped = {**drawn, **_named_members(drawn, status, detail)}
            if content.validator.is_valid(shaped):
                return shaped
        if content.validator.is_valid(drawn):
            return drawn
    return next(iter(content.examples.values()), body)


_MESSAGE_NAMES = ("message", "detail", "error_description", "description", "error", "title")
_CODE_NAMES = ("code", "status", "status_code", "statuscode", "error_code")


def _named_members(drawn: dict[str, Any], status: int, detail: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in drawn.items():
        lowered = name.lower()
        if lowered in _MESSAGE_NAMES and isinstance(value, str):
            found[name] = detail
        elif lowered in _CODE_NAMES:
            found[name] = status if isinstance(value, int) else str(status)
    return found
