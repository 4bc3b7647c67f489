"""Choosing and building answers: the `Prefer`red or first documented response, its example or a
body drawn from its schema, its headers, and refusals as problems in the operation's shape.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

from rooms_mock.datagen import DataGenerator
from rooms_mock.messages import NO_BODY, MockOptions, MockRequest, MockResponse, Refused, dumps
from rooms_mock.operations import (
    Operation,
    ResponseContent,
    ResponseSpec,
    is_json_media,
    is_xml_media,
)
from rooms_mock.paging import cursor_parameter, follows_cursor, last_page_example, without_next
from rooms_mock.prefer import Preference
from rooms_mock.problems import INVALID, NOT_ACCEPTABLE, PROBLEM_JSON, problem_body
from rooms_mock.schemas import Violation
from rooms_mock.spec import RefResolver

# Where a created item lives (its Location header), when the stateful inference knows.
Locator = Callable[[Operation, Any], "str | None"]


class Responder:
    def __init__(
        self,
        options: MockOptions,
        generator: DataGenerator,
        locate: Locator | None = None,
        resolver: RefResolver | None = None,
    ) -> None:
        self.options = options
        self.resolver = resolver
        self.generator = generator
        self.locate = locate
        self._cursors: dict[int, str | None] = {}

    def learn(self, operation: Operation) -> None:
        """Read what answering the operation needs once, at start-up, not per request."""
        self._cursors[id(operation)] = cursor_parameter(operation)

    def respond(
        self, operation: Operation, request: MockRequest, preference: Preference | None
    ) -> MockResponse:
        """The documented answer (no state): raises Refused when no offered media is accepted."""
        dynamic = self.options.dynamic
        example: str | None = None
        spec: ResponseSpec | None = operation.responses[operation.success]
        status = int(operation.success) if operation.success.isdigit() else 200
        if preference is not None:
            if preference.error is not None:
                return self._refuse_prefer(operation, preference.error)
            if preference.dynamic is not None:
                dynamic = preference.dynamic
            example = preference.example
            if preference.code is not None:
                spec = operation.response_for(preference.code)
                status = preference.code
                if spec is None or not 100 <= status <= 599:
                    documented = ", ".join(operation.responses)
                    return self._refuse_prefer(
                        operation,
                        f"Prefer: code={preference.code}, but {operation.operation_id} "
                        f"documents only {documented}.",
                    )
        assert spec is not None
        content = self.negotiate(operation, spec, request)
        # A client following a cursor gets a last page: a static list must end (see paging.py).
        cursor = self._cursors.get(id(operation)) or ""
        last = bool(cursor) and content is not None and follows_cursor(request.query, cursor)
        if last and example is None and content is not None:
            example = last_page_example(content)
        key = (status, spec.key, content.media_type if content else None, example, last)
        if not dynamic:
            cached = operation.cache.get(key)
            if cached is not None:
                return cached  # type: ignore[no-any-return]
        material = ""
        origin = "no body"
        if content is None:
            value: Any = NO_BODY
        elif example is not None:
            if example not in content.examples:
                known = ", ".join(content.examples) or "none"
                return self._refuse_prefer(
                    operation,
                    f"Prefer: example={example}, but the {spec.key} response of "
                    f"{operation.operation_id} has examples: {known}.",
                )
            value = content.examples[example]
            origin = f"example {example}"
        elif dynamic and content.schema is not None:
            material = self._material(request)
            value = self.draw(content, material)
            origin = "dynamic"
        elif content.examples:
            name, value = next(iter(content.examples.items()))
            origin = f"example {name}"
        elif content.schema is not None:
            material = f"static {operation.operation_id} {spec.key}"
            value = self.draw(content, material)
            origin = "drawn from the schema"
        else:
            value = NO_BODY
        if last and content is not None:
            value = without_next(value, content)
            origin += ", last page"
        response = self.build(operation, status, spec, content, value, material=material)
        response.origin = origin
        if not dynamic:
            operation.cache[key] = response
        return response

    def _refuse_prefer(self, operation: Operation, detail: str) -> MockResponse:
        response = self.problem(operation, INVALID, detail)
        response.violations = (Violation("header", "prefer", "prefer", detail),)
        return response

    @staticmethod
    def negotiate(
        operation: Operation, spec: ResponseSpec, request: MockRequest
    ) -> ResponseContent | None:
        accept = request.headers.get("accept")
        if not spec.content or not accept or accept.strip() == "*/*":
            return spec.first_content()
        # The client's ranges, most wanted first (a stable sort keeps its order among equals):
        # `Accept: application/json` gets JSON from an operation that offers XML first.
        for wanted in _ranges(accept):
            for content in spec.content.values():
                media = content.media_type.lower()
                if wanted in ("*/*", media, media.split("/", 1)[0] + "/*"):
                    return content
        if not operation.documents(406):
            # The spec is silent: answer as the service does, with what is offered first.
            return spec.first_content()
        raise Refused(
            NOT_ACCEPTABLE,
            f"None of {accept} is offered; offered: {', '.join(spec.content)}.",
            where="header",
            location="accept",
            rule="not-acceptable",
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
        if value is NO_BODY or content is None:
            body = b""
        else:
            media = content.media_type
            if isinstance(value, str) and not is_json_media(media):
                body = value.encode()
            elif is_xml_media(media.lower()) and self.resolver is not None:
                from rooms_mock.xml_bodies import render_xml, root_name  # only XML specs pay

                body = render_xml(value, root_name(content.schema, self.resolver))
            else:
                body = dumps(value)
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
            candidate = location or (self.locate(operation, value) if self.locate else None)
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
        body = problem_body(
            status, detail, content, violations, lambda c: self.draw(c, f"error {status}")
        )
        if content is None:
            content = ResponseContent(PROBLEM_JSON, None, None, {}, [])
        response = self.build(operation, status, spec, content, body)
        response.origin = "problem"
        if violations:
            response.violations = tuple(violations)
        return response


def _ranges(accept: str) -> list[str]:
    weighted = []
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((quality, media.lower()))
    return [media for _, media in sorted(weighted, key=lambda pair: -pair[0])]


def _valid_header(header: Any, value: Any) -> bool:
    return _printable(str(value)) and (header.validator is None or header.validator.is_valid(value))


def _printable(text: str) -> bool:
    return text.isascii() and text.isprintable()
