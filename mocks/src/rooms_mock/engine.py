"""The mock's engine: one request in, one response out, whatever carries it (ASGI, `responses`,
httpx).

The order of checks follows the service: route, security, parameters and body (all
violations at once, see request_checks.py), then the answer: the stored state in stateful mode
(state.py), else the `Prefer`red or first documented response (answers.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from rooms_mock.answers import Responder
from rooms_mock.datagen import DataGenerator
from rooms_mock.inference import Inference
from rooms_mock.messages import (
    MockOptions,
    MockRequest,
    MockResponse,
    ParsedRequest,
    Refused,
    dumps,
)
from rooms_mock.operations import Operation, OperationCompiler
from rooms_mock.prefer import parse_prefer
from rooms_mock.problems import INVALID, NOT_FOUND, TOO_LARGE
from rooms_mock.request_checks import RequestReader
from rooms_mock.routing import Router, base_path
from rooms_mock.schemas import Violation
from rooms_mock.spec import load_spec
from rooms_mock.state import ResourceStore
from rooms_mock.writes import WriteListener

# Re-exported: tests and transports import the messages from the engine, as they always have.
__all__ = [
    "MockEngine",
    "MockOptions",
    "MockRequest",
    "MockResponse",
    "ParsedRequest",
    "WriteListener",
    "dumps",
]


class MockEngine:
    def __init__(
        self,
        document: dict[str, Any],
        options: MockOptions | None = None,
        source: str = "",
        *,
        on_write: WriteListener | None = None,
    ) -> None:
        self.options = options or MockOptions()
        self.document = document
        self.source = source
        compiler = OperationCompiler(document)
        self.operations = compiler.compile_all()
        self._by_id = {operation.operation_id: operation for operation in self.operations}
        self.warnings = compiler.warnings
        self.resolver = compiler.resolver
        prefix = self.options.base_path
        if prefix is None:
            prefix = base_path(document.get("servers"))
        self.router = Router(self.operations, "/" + prefix.strip("/") if prefix.strip("/") else "")
        self.generator = DataGenerator(compiler.resolver, "response")
        self.inference = Inference(
            self.operations, compiler.schemas, self.generator.merged, self.options.unique
        )
        self.responder = Responder(
            self.options, self.generator, self._locate, resolver=compiler.resolver
        )
        self.reader = RequestReader(self.options)
        self.state = ResourceStore(
            self.inference, self.responder, self.options, self.generator.merged
        )
        if on_write is not None:
            self.state.listeners.append(on_write)
        self._check_static_responses()

    @classmethod
    def from_path(
        cls,
        path: Path | str,
        options: MockOptions | None = None,
        *,
        on_write: WriteListener | None = None,
    ) -> MockEngine:
        return cls(load_spec(path), options, str(path), on_write=on_write)

    @property
    def title(self) -> str:
        info = self.document.get("info", {})
        return f"{info.get('title', 'API')} {info.get('version', '')}".strip()

    def add_write_listener(self, listener: WriteListener) -> None:
        """Call `listener(write)` after every successful stateful write (see writes.py)."""
        self.state.listeners.append(listener)

    def reset(self) -> None:
        """Forget every stored item (stateful mode)."""
        self.state.clear()

    def _locate(self, operation: Operation, value: Any) -> str | None:
        return self.inference.location_of(operation, value, self.router.prefix)

    def _not_found(self, path: str) -> str:
        detail = f"No path of the contract matches {path}."
        prefix = self.router.prefix
        if prefix and not path.startswith(prefix + "/") and path != prefix:
            detail += f" This mock serves the contract's paths under {prefix}"
            if self.router.match(prefix + path) is not None:
                detail += f": {prefix}{path}"
            detail += "."
        return detail

    def _check_static_responses(self) -> None:
        # Build each operation's default answer now: start-up pays, the first request doesn't.
        for operation in self.operations:
            self.responder.learn(operation)
            self.responder.respond(operation, MockRequest(operation.method, operation.path), None)

    # -- the request path ----------------------------------------------------------------

    def handle(self, request: MockRequest) -> MockResponse:
        response = self._handle(request)
        if request.method == "HEAD" and response.body:
            response = replace(response, body=b"")
        request_id = request.headers.get("x-request-id")
        if request_id and request_id.isascii() and request_id.isprintable():
            response = self._with_request_id(response, request_id)
        return response

    def _with_request_id(self, response: MockResponse, request_id: str) -> MockResponse:
        """As the service does: the X-Request-ID echoed, and named in a problem whose
        documented schema has room for it."""
        body = response.body
        operation = self._by_id.get(response.operation_id or "")
        if response.origin == "problem" and operation is not None:
            spec = operation.response_for(response.status)
            content = spec.first_content() if spec else None
            value = response.json()
            if content is not None and content.validator is not None and isinstance(value, dict):
                named = {**value, "request_id": request_id}
                if "request_id" not in value and content.validator.is_valid(named):
                    body = dumps(named)
        headers = [*response.headers, ("x-request-id", request_id)]
        return replace(response, headers=headers, body=body)

    def _handle(self, request: MockRequest) -> MockResponse:
        operation, parsed, refusal = self._checked(request)
        if refusal is not None:
            return refusal
        assert operation is not None
        assert parsed is not None
        try:
            response = self._answer(operation, parsed)
        except Refused as refused:
            response = self.problem(operation, refused.statuses, refused.detail)
            return violated(response, refused.violation)
        if response.violations:
            return violated(response)
        return response

    def check(self, request: MockRequest) -> tuple[Operation | None, MockResponse | None]:
        """The request's operation, and the refusal the mock would answer if it breaks the
        contract (None when it keeps it): the validating proxy's half of `handle`."""
        operation, _, refusal = self._checked(request)
        return operation, refusal

    def _checked(
        self, request: MockRequest
    ) -> tuple[Operation | None, ParsedRequest | None, MockResponse | None]:
        found = self.router.match(request.path)
        if found is None:
            trimmed = request.path.rstrip("/")
            if trimmed and trimmed != request.path and self.router.match(trimmed) is not None:
                # As the service (Starlette) does: a trailing slash is redirected away.
                query = f"?{request.query}" if request.query else ""
                moved = MockResponse(307, [("location", trimmed + query)], b"", origin="redirect")
                return None, None, moved
            detail = self._not_found(request.path)
            refusal = self.problem(None, NOT_FOUND, detail)
            return (
                None,
                None,
                violated(refusal, Violation("route", request.path, "no-such-path", detail)),
            )
        methods, raw_path_params = found
        operation = methods.get(request.method)
        if operation is None and request.method == "HEAD":
            operation = methods.get("GET")  # HEAD is GET without the body, as servers do
        if operation is None:
            allowed = ", ".join(sorted(methods))
            detail = f"{request.method} is not allowed here; allowed: {allowed}."
            refusal = self.problem(None, (405,), detail)
            refusal.headers.append(("allow", allowed))
            return (
                None,
                None,
                violated(refusal, Violation("route", request.path, "method", detail)),
            )
        try:
            parsed = self.reader.read(operation, request, raw_path_params)
        except Refused as refused:
            refusal = self.problem(operation, refused.statuses, refused.detail)
            return operation, None, violated(refusal, refused.violation)
        if parsed.violations:
            count = len(parsed.violations)
            detail = f"The request breaks {count} rule{'s' if count != 1 else ''} of the contract."
            refusal = self.problem(operation, INVALID, detail, parsed.violations)
            return operation, parsed, violated(refusal)
        return operation, parsed, None

    def _answer(self, operation: Operation, parsed: ParsedRequest) -> MockResponse:
        headers = parsed.request.headers
        preference = parse_prefer(headers["prefer"]) if "prefer" in headers else None
        # A Prefer for a code, an example or dynamic data asks for the documented answer, not
        # the store's: it is served as in stateless mode (and the store is left alone).
        if self.options.stateful and (preference is None or not preference.chooses):
            stateful = self.state.handle(operation, parsed)
            if stateful is not None:
                return stateful
        return self.responder.respond(operation, parsed.request, preference)

    def problem(
        self,
        operation: Operation | None,
        statuses: tuple[int, ...],
        detail: str,
        violations: list[Violation] | None = None,
    ) -> MockResponse:
        """A refusal as a problem in the operation's documented shape (see problems.py)."""
        return self.responder.problem(operation, statuses, detail, violations)

    def payload_too_large(self, request: MockRequest) -> MockResponse:
        found = self.router.match(request.path)
        operation = found[0].get(request.method) if found else None
        limit = self.options.max_body_bytes
        detail = f"The body exceeds {limit} bytes."
        return violated(
            self.problem(operation, TOO_LARGE, detail), Violation("body", "/", "size", detail)
        )


VIOLATIONS_HEADER = "x-mock-violations"


def violated(response: MockResponse, *violations: Violation) -> MockResponse:
    """The refusal with what the request broke: for strict mode, the journal, and a header
    (ASCII, one `where location: rule` per violation) for clients that see only HTTP."""
    if violations:
        response.violations = (*response.violations, *violations)
    summary = "; ".join(f"{v.where} {v.location}: {v.rule}" for v in response.violations)
    text = summary.encode("ascii", "backslashreplace").decode("ascii")
    response.headers.append((VIOLATIONS_HEADER, "".join(c for c in text if c.isprintable())))
    return response
