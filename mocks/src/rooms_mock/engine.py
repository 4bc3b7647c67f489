"""The mock's engine: one request in, one response out, whatever carries it (ASGI, `responses`).

The order of checks follows the service: route, security, parameters and body (all
violations at once), then the answer: the stored state in stateful mode, else the
`Prefer`red or first documented response, with its example or a body drawn from its schema.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from rooms_mock.datagen import DataGenerator
from rooms_mock.operations import (
    Operation,
    OperationCompiler,
    Parameter,
    ResponseContent,
    ResponseSpec,
    SecurityCheck,
    is_json_media,
)
from rooms_mock.prefer import Preference, parse_prefer
from rooms_mock.problems import (
    INVALID,
    NOT_ACCEPTABLE,
    NOT_FOUND,
    PROBLEM_JSON,
    TOO_LARGE,
    UNAUTHORIZED,
    UNSUPPORTED_MEDIA,
    problem_body,
)
from rooms_mock.resources import ResourceStore
from rooms_mock.routing import Router, base_path
from rooms_mock.schemas import Violation
from rooms_mock.spec import load_spec
from rooms_mock.writes import WriteListener


@dataclass(frozen=True, slots=True)
class MockOptions:
    dynamic: bool = False
    stateful: bool = False
    seed: int = 0
    # Empty: any non-empty key is accepted; else only these.
    api_keys: frozenset[str] = frozenset()
    # Members that must be unique among a resource's items (added to those the spec implies).
    unique: tuple[str, ...] = ()
    max_body_bytes: int = 1 << 20


@dataclass(slots=True)
class MockRequest:
    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)  # names in lower case
    body: bytes = b""


@dataclass(slots=True)
class MockResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    operation_id: str | None = None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(slots=True)
class ParsedRequest:
    """What the checks read from a request, for the stateful handlers."""

    request: MockRequest
    path_params: dict[str, Any]
    query: dict[str, Any]
    body: Any
    media_type: str | None


class _Refusal(Exception):
    def __init__(self, response: MockResponse) -> None:
        self.response = response


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_BOOLEANS = {"true": True, "false": False}


def _coerce(value: str, kind: str) -> Any:
    """A parameter's text read as its schema's type; left as text (and refused) when it isn't."""
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            number = float(value)
            if not math.isfinite(number):
                return value  # NaN and Infinity are not JSON numbers
            return int(number) if number.is_integer() and "." not in value else number
    except ValueError:
        return value
    if kind == "boolean":
        return _BOOLEANS.get(value.lower(), value)
    return value


class MockEngine:
    def __init__(
        self, document: dict[str, Any], options: MockOptions | None = None, source: str = ""
    ) -> None:
        self.options = options or MockOptions()
        self.document = document
        self.source = source
        compiler = OperationCompiler(document)
        self.operations = compiler.compile_all()
        self.warnings = compiler.warnings
        self.resolver = compiler.resolver
        self.router = Router(self.operations, base_path(document.get("servers")))
        self.generator = DataGenerator(compiler.resolver, "response")
        # Told of every successful stateful write (the event publisher, the fixture's recorder).
        self.write_listeners: list[WriteListener] = []
        self.state = ResourceStore(self, compiler)
        self._check_static_responses()

    @classmethod
    def from_path(cls, path: Path | str, options: MockOptions | None = None) -> MockEngine:
        return cls(load_spec(path), options, str(path))

    @property
    def title(self) -> str:
        info = self.document.get("info", {})
        return f"{info.get('title', 'API')} {info.get('version', '')}".strip()

    def reset(self) -> None:
        """Forget every stored item (stateful mode)."""
        self.state.clear()

    def _check_static_responses(self) -> None:
        # Build each operation's default answer now: start-up pays, the first request doesn't.
        for operation in self.operations:
            self._respond(operation, MockRequest(operation.method, operation.path), None)

    # -- the request path ----------------------------------------------------------------

    def handle(self, request: MockRequest) -> MockResponse:
        found = self.router.match(request.path)
        if found is None:
            return self.problem(None, NOT_FOUND, f"No path of the contract matches {request.path}.")
        methods, raw_path_params = found
        operation = methods.get(request.method)
        if operation is None:
            allowed = ", ".join(sorted(methods))
            response = self.problem(
                None, (405,), f"{request.method} is not allowed here; allowed: {allowed}."
            )
            response.headers.append(("allow", allowed))
            return response
        try:
            return self._handle(operation, request, raw_path_params)
        except _Refusal as refusal:
            return refusal.response

    def _handle(
        self, operation: Operation, request: MockRequest, raw_path_params: dict[str, str]
    ) -> MockResponse:
        headers = request.headers
        query: dict[str, list[str]] = (
            parse_qs(request.query, keep_blank_values=True) if request.query else {}
        )
        cookies = self._cookies(headers) if "cookie" in headers else {}
        if operation.security:
            failure = self._security_failure(operation, headers, query, cookies)
            if failure is not None:
                raise _Refusal(self.problem(operation, UNAUTHORIZED, failure))
        violations: list[Violation] = []
        path_params: dict[str, Any] = {}
        query_values: dict[str, Any] = {}
        for parameter in operation.parameters:
            value = self._parameter(parameter, raw_path_params, query, headers, cookies)
            if value is _MISSING:
                if parameter.required:
                    violations.append(
                        Violation(
                            parameter.where,
                            parameter.name,
                            "required",
                            f"{parameter.where} parameter {parameter.name!r} is required",
                        )
                    )
                continue
            if parameter.validator is not None and not parameter.validator.is_valid(value):
                violations.extend(
                    Violation(parameter.where, parameter.name, v.rule, v.message)
                    for v in parameter.validator.violations(value, where=parameter.where)
                )
            if parameter.where == "path":
                path_params[parameter.name] = value
            elif parameter.where == "query":
                query_values[parameter.name] = value
        body, media_type = None, None
        if operation.body is not None:
            body, media_type = self._body(operation, request, violations)
        if violations:
            count = len(violations)
            detail = f"The request breaks {count} rule{'s' if count != 1 else ''} of the contract."
            return self.problem(operation, INVALID, detail, violations)
        preference = parse_prefer(headers["prefer"]) if "prefer" in headers else None
        if self.options.stateful and (preference is None or preference.code is None):
            parsed = ParsedRequest(request, path_params, query_values, body, media_type)
            stateful = self.state.handle(operation, parsed)
            if stateful is not None:
                return stateful
        return self._respond(operation, request, preference)

    @staticmethod
    def _cookies(headers: Mapping[str, str]) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(headers["cookie"])
        except CookieError:
            return {}
        return {name: morsel.value for name, morsel in jar.items()}

    def _security_failure(
        self,
        operation: Operation,
        headers: Mapping[str, str],
        query: dict[str, list[str]],
        cookies: dict[str, str],
    ) -> str | None:
        first_failure: str | None = None
        for alternative in operation.security:
            failure = next(
                (
                    reason
                    for check in alternative
                    if (reason := self._check(check, headers, query, cookies)) is not None
                ),
                None,
            )
            if failure is None:
                return None
            first_failure = first_failure or failure
        return first_failure

    def _check(
        self,
        check: SecurityCheck,
        headers: Mapping[str, str],
        query: dict[str, list[str]],
        cookies: dict[str, str],
    ) -> str | None:
        if check.kind == "apiKey":
            value: str | None
            if check.where == "header":
                value = headers.get(check.name)
            elif check.where == "query":
                value = next(iter(query.get(check.name, ())), None)
            else:
                value = cookies.get(check.name)
            if not value:
                return f"No API key in {check.where} {check.name!r}."
            if self.options.api_keys and value not in self.options.api_keys:
                return f"The API key in {check.where} {check.name!r} is not accepted."
            return None
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        if check.kind in {"bearer", "basic"} and scheme.lower() != check.kind:
            return f"No {check.kind.capitalize()} credentials in the Authorization header."
        if not credentials.strip():
            return "No credentials in the Authorization header."
        if self.options.api_keys and credentials.strip() not in self.options.api_keys:
            return "The credentials in the Authorization header are not accepted."
        return None

    @staticmethod
    def _parameter(
        parameter: Parameter,
        path_params: dict[str, str],
        query: dict[str, list[str]],
        headers: Mapping[str, str],
        cookies: dict[str, str],
    ) -> Any:
        values: list[str] | None
        where = parameter.where
        if where == "query":
            values = query.get(parameter.name)
        else:
            source = path_params if where == "path" else headers if where == "header" else cookies
            raw = source.get(parameter.key)
            values = None if raw is None else [raw]
        if values is None:
            return _MISSING
        if parameter.kind == "array":
            items = values if where == "query" and parameter.explode else values[0].split(",")
            return [_coerce(item, parameter.item_kind) for item in items]
        return _coerce(values[0], parameter.kind)

    def _body(
        self, operation: Operation, request: MockRequest, violations: list[Violation]
    ) -> tuple[Any, str | None]:
        spec = operation.body
        assert spec is not None
        content_type = request.headers.get("content-type")
        if not request.body and not content_type:
            if spec.required:
                violations.append(Violation("body", "/", "required", "A request body is required."))
            return None, None
        media_type = (content_type or "").split(";", 1)[0].strip().lower()
        matched = self._match_media(media_type, spec.media)
        if matched is None:
            expected = ", ".join(spec.media)
            raise _Refusal(
                self.problem(
                    operation,
                    UNSUPPORTED_MEDIA,
                    f"Invalid Content-type ({media_type or 'none'}), expected {expected}.",
                )
            )
        validator = spec.media[matched]
        if not is_json_media(matched):
            return request.body, matched
        if not request.body:
            if spec.required:
                violations.append(Violation("body", "/", "required", "A request body is required."))
            return None, matched
        try:
            body = json.loads(request.body.decode("utf-8"), parse_constant=_reject_constant)
        except UnicodeDecodeError as error:
            violations.append(Violation("body", "/", "encoding", f"The body is not UTF-8: {error}"))
            return None, matched
        except ValueError as error:
            violations.append(
                Violation("body", "/", "json", f"The body is not valid JSON: {error}")
            )
            return None, matched
        if validator is not None and not validator.is_valid(body):
            violations.extend(validator.violations(body, where="body"))
        return body, matched

    @staticmethod
    def _match_media(media_type: str, documented: Mapping[str, Any]) -> str | None:
        if media_type in documented:
            return media_type
        major = media_type.split("/", 1)[0]
        for candidate in documented:
            if candidate == "*/*" or candidate == f"{major}/*":
                return candidate
        return None

    # -- answers -------------------------------------------------------------------------

    def _respond(
        self, operation: Operation, request: MockRequest, preference: Preference | None
    ) -> MockResponse:
        dynamic = self.options.dynamic
        example: str | None = None
        spec: ResponseSpec | None = operation.responses[operation.success]
        status = int(operation.success) if operation.success.isdigit() else 200
        if preference is not None:
            if preference.dynamic is not None:
                dynamic = preference.dynamic
            example = preference.example
            if preference.code is not None:
                spec = operation.response_for(preference.code)
                status = preference.code
                if spec is None or not 100 <= status <= 599:
                    documented = ", ".join(operation.responses)
                    return self.problem(
                        operation,
                        INVALID,
                        f"Prefer: code={preference.code}, but {operation.operation_id} "
                        f"documents only {documented}.",
                    )
        assert spec is not None
        content = self._negotiate(operation, spec, request)
        key = (status, spec.key, content.media_type if content else None, example)
        if not dynamic:
            cached = operation.cache.get(key)
            if cached is not None:
                return cached  # type: ignore[no-any-return]
        material = ""
        if content is None:
            value: Any = _NO_BODY
        elif example is not None:
            if example not in content.examples:
                known = ", ".join(content.examples) or "none"
                return self.problem(
                    operation,
                    INVALID,
                    f"Prefer: example={example}, but the {spec.key} response of "
                    f"{operation.operation_id} has examples: {known}.",
                )
            value = content.examples[example]
        elif dynamic and content.schema is not None:
            material = self._material(request)
            value = self.draw(content, material)
        elif content.examples:
            value = next(iter(content.examples.values()))
        elif content.schema is not None:
            material = f"static {operation.operation_id} {spec.key}"
            value = self.draw(content, material)
        else:
            value = _NO_BODY
        response = self.build(operation, status, spec, content, value, material=material)
        if not dynamic:
            operation.cache[key] = response
        return response

    def _negotiate(
        self, operation: Operation, spec: ResponseSpec, request: MockRequest
    ) -> ResponseContent | None:
        accept = request.headers.get("accept")
        if not spec.content or not accept or "*/*" in accept:
            return spec.first_content()
        ranges = [part.split(";", 1)[0].strip().lower() for part in accept.split(",")]
        for content in spec.content.values():
            media = content.media_type.lower()
            major = media.split("/", 1)[0]
            if any(r in (media, f"{major}/*") for r in ranges):
                return content
        raise _Refusal(
            self.problem(
                operation,
                NOT_ACCEPTABLE,
                f"None of {accept} is offered; offered: {', '.join(spec.content)}.",
            )
        )

    def _material(self, request: MockRequest) -> str:
        body = request.body.decode("latin-1")
        return f"{self.options.seed}\n{request.method}\n{request.path}\n{request.query}\n{body}"

    def draw(self, content: ResponseContent, material: str) -> Any:
        """A body drawn from the content's schema, the same for the same material, and valid."""
        value: Any = None
        for attempt in range(20):
            value = self.generator.draw(content.schema, random.Random(f"{attempt}\n{material}"))
            if content.validator is None or content.validator.is_valid(value):
                return value
        # The generator could not meet the schema; a documented example is still valid.
        return next(iter(content.examples.values()), value)

    def build(
        self,
        operation: Operation | None,
        status: int,
        spec: ResponseSpec | None,
        content: ResponseContent | None,
        value: Any,
        *,
        material: str = "",
        etag: str | None = None,
        location: str | None = None,
        extra: list[tuple[str, str]] | None = None,
    ) -> MockResponse:
        headers: list[tuple[str, str]] = []
        if value is _NO_BODY or content is None:
            body = b""
        else:
            media = content.media_type
            body = (
                value.encode()
                if isinstance(value, str) and not is_json_media(media)
                else dumps(value)
            )
            headers.append(("content-type", media))
        if spec is not None:
            for header in spec.headers.values():
                text = self._header_value(operation, header, value, body, material, etag, location)
                if text is not None:
                    headers.append((header.name, text))
        if extra:
            headers.extend(extra)
        return MockResponse(status, headers, body, operation.operation_id if operation else None)

    def _header_value(
        self,
        operation: Operation | None,
        header: Any,
        value: Any,
        body: bytes,
        material: str,
        etag: str | None,
        location: str | None,
    ) -> str | None:
        name = header.name.lower()
        candidate: Any = None
        if name == "etag":
            candidate = etag or '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
        elif name == "location" and operation is not None:
            candidate = location or self.state.location_of(operation, value)
        if candidate is not None and _valid_header(header, candidate):
            return str(candidate)
        if header.example is not None:
            return str(header.example)
        if not header.required:
            return None
        fake = ResponseContent("text/plain", header.schema, header.validator, {}, [])
        for attempt in range(5):
            drawn = self.draw(fake, f"header {header.name} {attempt}\n{material}")
            if _printable(str(drawn)):
                return str(drawn)
        return "mock"

    def problem(
        self,
        operation: Operation | None,
        statuses: tuple[int, ...],
        detail: str,
        violations: list[Violation] | None = None,
    ) -> MockResponse:
        """A refusal as a problem in the operation's documented shape (see problems.py)."""
        status = statuses[0]
        spec: ResponseSpec | None = None
        if operation is not None:
            # The first status when documented (itself or by `default`), else a documented
            # fallback (a 400 for a 415 the operation does not list).
            if not operation.documents(status) and "default" not in operation.responses:
                status = next((s for s in statuses if operation.documents(s)), status)
            spec = operation.response_for(status)
        content = spec.first_content() if spec else None
        body = problem_body(status, detail, content, violations)
        if content is None:
            content = ResponseContent(PROBLEM_JSON, None, None, {}, [])
        return self.build(operation, status, spec, content, body)

    def payload_too_large(self, request: MockRequest) -> MockResponse:
        found = self.router.match(request.path)
        operation = found[0].get(request.method) if found else None
        limit = self.options.max_body_bytes
        return self.problem(operation, TOO_LARGE, f"The body exceeds {limit} bytes.")


def _valid_header(header: Any, value: Any) -> bool:
    return _printable(str(value)) and (header.validator is None or header.validator.is_valid(value))


def _printable(text: str) -> bool:
    return text.isascii() and text.isprintable()


class _Missing:
    pass


_MISSING: Any = _Missing()
_NO_BODY: Any = _Missing()
