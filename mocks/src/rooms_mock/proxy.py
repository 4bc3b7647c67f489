"""`rooms-mock proxy SPEC UPSTREAM`: a validating proxy in front of a real environment.

Every request is checked against the spec and forwarded; every response is checked on the way
back. Violations are logged, journaled and named in the x-mock-violations header; with
`errors=True` a request violation gets the mock's documented refusal (not forwarded) and a
response violation becomes a 502 problem naming it. An upstream that cannot be reached, or
does not answer in time, is a 502 or 504 problem: never a hang, never a 500.
"""

from __future__ import annotations

import httpx

from rooms_mock.asgi import Receive, Scope, Send
from rooms_mock.control import CONTROL_PREFIX, control
from rooms_mock.engine import VIOLATIONS_HEADER, MockEngine, violated
from rooms_mock.journal import SILENT, Journal
from rooms_mock.messages import MockRequest, MockResponse, dumps
from rooms_mock.response_checks import check_response
from rooms_mock.schemas import Violation

# Per RFC 9110 these describe one connection, not the message: never forwarded.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


def _problem(
    status: int, title: str, detail: str, violations: list[Violation], operation_id: str | None
) -> MockResponse:
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if violations:
        body["violations"] = [violation.as_json() for violation in violations]
    response = MockResponse(
        status,
        [("content-type", "application/problem+json")],
        dumps(body),
        operation_id,
        origin="proxy",
    )
    return violated(response, *violations) if violations else response


class ProxyApp:
    def __init__(
        self,
        engine: MockEngine,
        upstream: str,
        *,
        errors: bool = False,
        timeout: float = 30.0,
        journal: Journal | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.engine = engine
        self.upstream = upstream.rstrip("/")
        self.errors = errors
        self.journal = journal or Journal(verbosity=SILENT)
        # Redirects are the client's to follow; the proxy passes them back as they are.
        self.client = client or httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.client.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        chunks: list[bytes] = []
        limit = self.engine.options.max_body_bytes
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
        request = MockRequest(
            scope["method"], scope["path"], scope["query_string"].decode("latin-1"), headers
        )
        request.body = b"".join(chunks)
        if request.path.startswith(CONTROL_PREFIX):
            response = control(self.engine, self.journal, request)
        elif size > limit:
            response = self.engine.payload_too_large(request)
            self.journal.record(request, response)
        else:
            response = await self.exchange(request, scope.get("raw_path"))
            self.journal.record(request, response)
        await _send(send, response)

    async def exchange(self, request: MockRequest, raw_path: bytes | None = None) -> MockResponse:
        """Check the request, forward it, check the answer."""
        operation, refusal = self.engine.check(request)
        found = list(refusal.violations) if refusal is not None else []
        if refusal is not None and self.errors:
            return refusal
        path = raw_path.decode("latin-1") if raw_path else request.path
        url = f"{self.upstream}{path}" + (f"?{request.query}" if request.query else "")
        forwarded = {k: v for k, v in request.headers.items() if k not in _HOP_BY_HOP}
        op_id = operation.operation_id if operation else None
        try:
            answer = await self.client.request(
                request.method, url, headers=forwarded, content=request.body
            )
        except httpx.TimeoutException as error:
            detail = f"{self.upstream} did not answer in time: {error!r}"
            return _problem(504, "Gateway Timeout", detail, found, op_id)
        except httpx.HTTPError as error:
            detail = f"{self.upstream} cannot be reached: {error!r}"
            return _problem(502, "Bad Gateway", detail, found, op_id)
        operation_id = operation.operation_id if operation else None
        body = answer.content
        answer_headers = {k.lower(): v for k, v in answer.headers.items()}
        if operation is not None:
            broken = check_response(operation, answer.status_code, answer_headers, body)
            if broken and self.errors:
                count = len(broken)
                detail = (
                    f"{self.upstream} answered {request.method} {request.path} "
                    f"({operation.operation_id}) with {answer.status_code}, which breaks "
                    f"{count} rule{'s' if count != 1 else ''} of the contract."
                )
                return _problem(502, "Bad Gateway", detail, found + broken, operation_id)
            found += broken
        kept = [
            (name, value)
            for name, value in answer.headers.multi_items()
            # httpx decoded the body; a violations header is this proxy's to write
            if name.lower() not in _HOP_BY_HOP
            and name.lower() not in ("content-encoding", VIOLATIONS_HEADER)
        ]
        response = MockResponse(
            answer.status_code,
            kept,
            body,
            operation.operation_id if operation else None,
            origin="upstream",
        )
        return violated(response, *found) if found else response


async def _send(send: Send, response: MockResponse) -> None:
    raw = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in response.headers]
    raw.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": raw})
    await send({"type": "http.response.body", "body": response.body})
