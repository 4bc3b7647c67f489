"""Providers that break one promise the spec makes in words: a filter, paging, media types,
conditional requests, a documented header. Each is an ASGI layer around the real app, made
in the test only, shaped like a bug a real implementation could have.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

from tests.contract.body_faults import NullMeansAbsent, StoresThenRefusesLargeBodies
from tests.contract.faults import ResponseFault

ScopeRewrite = Callable[[Scope], Scope]
Headers = dict[bytes, bytes]
Answer = tuple[int, Headers, bytes]


class RequestFault:
    """Changes each request before the real app sees it."""

    def __init__(self, app: ASGIApp, rewrite: ScopeRewrite) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = self.rewrite(dict(scope))
        await self.app(scope, receive, send)


def _is_list(scope: Scope) -> bool:
    return bool(scope["method"] == "GET" and scope["path"] == "/rooms")


def _query(scope: Scope, change: Callable[[list[tuple[str, str]]], list[tuple[str, str]]]) -> Scope:
    pairs = parse_qsl(scope["query_string"].decode(), keep_blank_values=True)
    return {**scope, "query_string": urlencode(change(pairs)).encode()}


def _without(name: str) -> ScopeRewrite:
    """The list ignores one query parameter, as if the handler forgot to pass it on."""

    def rewrite(scope: Scope) -> Scope:
        if not _is_list(scope):
            return scope
        return _query(scope, lambda pairs: [(k, v) for k, v in pairs if k != name])

    return rewrite


def max_price_exclusive(scope: Scope) -> Scope:
    """`price < max_price` where the spec says "at most"."""
    if not _is_list(scope):
        return scope
    return _query(
        scope,
        lambda pairs: [(k, str(int(v) - 1) if k == "max_price" else v) for k, v in pairs],
    )


ignores_visible = _without("visible")
ignores_limit = _without("limit")


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return dict(scope["headers"])


def accepts_any_content_type(scope: Scope) -> Scope:
    """Reads every body as the declared type: the media-type check was left out."""
    declared = {"POST": b"application/json", "PATCH": b"application/merge-patch+json"}
    if scope["method"] not in declared:
        return scope
    headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
    return {**scope, "headers": [*headers, (b"content-type", declared[scope["method"]])]}


def delete_ignores_if_match(scope: Scope) -> Scope:
    """DELETE drops the precondition (PATCH keeps it, so the state machine stays green)."""
    if scope["method"] != "DELETE":
        return scope
    return {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"if-match"]}


# Response rewrites (for faults.ResponseFault).


def _list_body(scope: Scope, status: int, body: bytes) -> dict[str, Any] | None:
    return json.loads(body) if _is_list(scope) and status == 200 else None


def drops_link(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """`next` in the body, but no Link header."""
    if _list_body(scope, status, body) is not None:
        headers.pop(b"link", None)
    return status, headers, body


def ends_after_the_second_page(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """Any page reached by a cursor is called the last (as a cursor bug that loses state would)."""
    page = _list_body(scope, status, body)
    if page is not None and b"cursor=" in scope["query_string"] and "next" in page:
        del page["next"]
        headers.pop(b"link", None)
        body = json.dumps(page).encode()
    return status, headers, body


def newest_first_within_a_page(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    page = _list_body(scope, status, body)
    if page is not None:
        page["items"].reverse()
        body = json.dumps(page).encode()
    return status, headers, body


class RepeatsTheLastRoom:
    """Each next page starts again with the previous page's last room (`>=` for `>`)."""

    def __init__(self) -> None:
        self.last_of: dict[str, dict[str, Any]] = {}

    def __call__(self, scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
        page = _list_body(scope, status, body)
        if page is None:
            return status, headers, body
        cursor = dict(parse_qsl(scope["query_string"].decode())).get("cursor")
        if cursor in self.last_of:
            page["items"] = [self.last_of[cursor], *page["items"]]
        if "next" in page and page["items"]:
            self.last_of[page["next"]] = page["items"][-1]
        return status, headers, json.dumps(page).encode()


def not_acceptable_unless_exactly_json(
    scope: Scope, status: int, headers: Headers, body: bytes
) -> Answer:
    """406 for anything but `Accept: application/json`, wildcards included."""
    accept = _headers(scope).get(b"accept", b"application/json")
    if scope["method"] == "GET" and accept != b"application/json" and status == 200:
        problem = {"type": "about:blank", "title": "Not Acceptable", "status": 406}
        return 406, {b"content-type": b"application/problem+json"}, json.dumps(problem).encode()
    return status, headers, body


_VERSION_SUFFIX = re.compile(rb'-[0-9]+"$')


def get_serves_a_stale_etag(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    """GET answers the first version's ETag whatever the room's version (a stale cache)."""
    if scope["method"] == "GET" and scope["path"].startswith("/rooms/") and b"etag" in headers:
        headers[b"etag"] = _VERSION_SUFFIX.sub(b'-1"', headers[b"etag"])
    return status, headers, body


def location_names_another_room(scope: Scope, status: int, headers: Headers, body: bytes) -> Answer:
    if scope["method"] == "POST" and status == 201:
        headers[b"location"] = f"/rooms/{uuid.uuid4()}".encode()
    return status, headers, body


def conflict_on_update_as_bad_request(
    scope: Scope, status: int, headers: Headers, body: bytes
) -> Answer:
    """The duplicate-url error of an update mapped to 400, as a generic integrity error."""
    if scope["method"] == "PATCH" and status == 409:
        problem = {"type": "about:blank", "title": "Bad Request", "status": 400}
        return 400, {b"content-type": b"application/problem+json"}, json.dumps(problem).encode()
    return status, headers, body


# fault, promise, the check that must name it, and how to break the app.
PROMISE_FAULTS: list[tuple[str, str, str, Callable[[ASGIApp], ASGIApp]]] = [
    (
        "max_price is exclusive",
        "filters",
        "filters",
        lambda app: RequestFault(app, max_price_exclusive),
    ),
    ("visible is ignored", "filters", "filters", lambda app: RequestFault(app, ignores_visible)),
    ("limit is ignored", "paging", "paging", lambda app: RequestFault(app, ignores_limit)),
    (
        "a next page repeats a room",
        "paging",
        "paging",
        lambda app: ResponseFault(app, RepeatsTheLastRoom()),
    ),
    (
        "the walk ends before the last room",
        "paging",
        "paging",
        lambda app: ResponseFault(app, ends_after_the_second_page),
    ),
    ("next without a Link header", "paging", "paging", lambda app: ResponseFault(app, drops_link)),
    (
        "newest first within a page",
        "paging",
        "paging",
        lambda app: ResponseFault(app, newest_first_within_a_page),
    ),
    (
        "an undeclared Content-Type accepted",
        "media types",
        "media-types",
        lambda app: RequestFault(app, accepts_any_content_type),
    ),
    (
        "406 for a wildcard Accept",
        "media types",
        "accept",
        lambda app: ResponseFault(app, not_acceptable_unless_exactly_json),
    ),
    (
        "DELETE ignores a stale If-Match",
        "conditional requests",
        "conditional-requests",
        lambda app: RequestFault(app, delete_ignores_if_match),
    ),
    (
        "GET serves a stale ETag",
        "conditional requests",
        "conditional-requests",
        lambda app: ResponseFault(app, get_serves_a_stale_etag),
    ),
    (
        "an update's url conflict answered 400",
        "statuses",
        "conflicts",
        lambda app: ResponseFault(app, conflict_on_update_as_bad_request),
    ),
    (
        "a too large body stored, then refused",
        "statuses",
        "payload-size",
        lambda app: StoresThenRefusesLargeBodies(app),
    ),
    (
        "a merge patch's null removes nothing",
        "merge patch",
        "merge-patch",
        lambda app: NullMeansAbsent(app),
    ),
    (
        "Location names another room",
        "headers",
        "response-headers",
        lambda app: ResponseFault(app, location_names_another_room),
    ),
]
