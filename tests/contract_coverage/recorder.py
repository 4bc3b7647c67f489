"""Recording what a suite exercised: one JSON line per exchange in reports/coverage/<suite>.jsonl
(and one per event checked, `"kind": "event"`, by `record_event`).

Server side, `RecordingApp` wraps an in-process app (every client of it is seen, the
schemathesis CLI included); client side, `record_httpx` and `record_schemathesis` record
the responses a suite got from a URL. Values are kept as digests: the report matches them
against the spec's examples and links without the file holding anyone's data.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.contract_coverage.documented import Operation, find_operation, fingerprint, operations
from tests.contract_coverage.documented_events import body_digest

REPORTS = Path(__file__).resolve().parents[2] / "reports" / "coverage"
SUITE_ENV = "ROOMS_COVERAGE_SUITE"
_lock = threading.Lock()


def suite_name(default: str) -> str:
    """The suite recorded as: ROOMS_COVERAGE_SUITE (set by nox sessions), else `default`."""
    return os.environ.get(SUITE_ENV) or default


def _json(body: bytes) -> object:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _media_type(value: str | None) -> str | None:
    return value.split(";")[0].strip().lower() if value else None


def _pointer(document: object, pointer: str) -> object:
    for part in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        if not isinstance(document, dict):
            return None
        document = document.get(part.replace("~1", "/").replace("~0", "~"))
    return document


def _link_key(operation_id: str, key: str) -> str:
    """A link parameter (`roomId`, `header.If-Match`) as the recorder keys it (`path:roomId`)."""
    place, _, name = key.rpartition(".")
    if place:
        return f"{place}:{name}"
    target = operations().get(operation_id)
    places = [where for where, p_name in target.parameters if p_name == name] if target else []
    return f"{places[0] if places else 'path'}:{name}"


def _link_sources(
    operation: Operation, status: int, headers: Mapping[str, str], body: object
) -> dict[str, dict[str, str]]:
    sources: dict[str, dict[str, str]] = {}
    for link in operation.links:
        if link.status != str(status):
            continue
        values: dict[str, str] = {}
        for key, expression in link.parameters.items():
            if expression.startswith("$response.body#"):
                value = _pointer(body, expression.removeprefix("$response.body#"))
            elif expression.startswith("$response.header."):
                value = headers.get(expression.removeprefix("$response.header.").lower())
            else:
                continue
            if value is not None:
                values[_link_key(link.target, key)] = fingerprint(value)
        sources[link.name] = values
    return sources


def record(
    suite: str,
    *,
    method: str,
    url_path: str,
    query: str,
    request_headers: Mapping[str, str],
    request_body: bytes,
    status: int,
    response_headers: Mapping[str, str],
    response_body: bytes,
) -> None:
    """Append one exchange to the suite's file (headers keyed in lower case)."""
    found = find_operation(method, url_path)
    if found is None:
        return  # not an operation of the spec (the docs UI, a mock's control endpoint)
    operation, path_values = found
    sent: dict[str, str] = {f"path:{name}": fingerprint(v) for name, v in path_values.items()}
    query_values = dict(parse_qsl(query, keep_blank_values=True))
    for where, name in operation.parameters:
        if where == "query" and name in query_values:
            sent[f"query:{name}"] = fingerprint(query_values[name])
        elif where == "header" and name.lower() in request_headers:
            sent[f"header:{name}"] = fingerprint(request_headers[name.lower()])
    body = _json(response_body)
    line = {
        "suite": suite,
        "operation": operation.operation_id,
        "status": str(status),
        "request_type": _media_type(request_headers.get("content-type")) if request_body else None,
        "response_type": _media_type(response_headers.get("content-type")),
        "parameters": sent,
        "request_body": fingerprint(_json(request_body)) if request_body else None,
        "response_body": fingerprint(body) if body is not None else None,
        "link_sources": _link_sources(operation, status, response_headers, body),
    }
    _append(suite, line)


def record_event(
    suite: str,
    *,
    message: str,
    body: bytes,
    operation: str | None = None,
    example: str | None = None,
) -> None:
    """Append one event a suite checked or produced: its message, the write that emitted it
    (an operationId, when the suite knows), the example it was made from, a digest of its body.
    """
    line = {
        "suite": suite,
        "kind": "event",
        "message": message,
        "operation": operation,
        "example": example,
        "body": body_digest(body),
    }
    _append(suite, line)


def _append(suite: str, line: dict[str, Any]) -> None:
    REPORTS.mkdir(parents=True, exist_ok=True)
    with _lock, (REPORTS / f"{suite}.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def _decoded(headers: Any) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in headers}


class RecordingApp:
    """ASGI layer that records every exchange with the app it wraps."""

    def __init__(self, app: ASGIApp, suite: str) -> None:
        self.app = app
        self.suite = suite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_body: list[bytes] = []
        response: dict[str, Any] = {"body": []}

        async def receive_recorded() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                request_body.append(message.get("body", b""))
            return message

        async def send_recorded(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["headers"] = _decoded(message.get("headers", []))
            elif message["type"] == "http.response.body":
                response["body"].append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive_recorded, send_recorded)
        if "status" in response:
            record(
                self.suite,
                method=scope["method"],
                url_path=scope["path"],
                query=scope.get("query_string", b"").decode("latin-1"),
                request_headers=_decoded(scope["headers"]),
                request_body=b"".join(request_body),
                status=response["status"],
                response_headers=response["headers"],
                response_body=b"".join(response["body"]),
            )


def record_httpx(response: Any, suite: str) -> None:
    """An httpx event hook's body: `client.event_hooks["response"].append(...)`."""
    response.read()
    request = response.request
    record(
        suite,
        method=request.method,
        url_path=request.url.path,
        query=request.url.query.decode("latin-1"),  # httpx keeps the raw query as bytes
        request_headers={k.lower(): v for k, v in request.headers.items()},
        request_body=request.content,
        status=response.status_code,
        response_headers={k.lower(): v for k, v in response.headers.items()},
        response_body=response.content,
    )


def record_by_url(response: Any) -> None:
    """The httpx event hook of the contract suite's clients of a server by URL."""
    record_httpx(response, suite_name("contract-url"))


def record_schemathesis(response: Any, suite: str) -> None:
    """A schemathesis Response (requests underneath): the pytest and CLI runs by URL."""
    request = response.request
    parts = urlsplit(request.url)
    body = request.body or b""
    record(
        suite,
        method=request.method,
        url_path=parts.path,
        query=parts.query,
        request_headers={k.lower(): v for k, v in request.headers.items()},
        request_body=body.encode() if isinstance(body, str) else body,
        status=response.status_code,
        response_headers={k.lower(): ", ".join(v) for k, v in response.headers.items()},
        response_body=response.content,
    )
