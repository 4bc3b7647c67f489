"""Stateful lists: the stored items filtered by the query, one page at a time, with cursors."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from rooms_mock.answers import Responder
from rooms_mock.inference import ListShape, Resource
from rooms_mock.messages import MockOptions, MockResponse, ParsedRequest
from rooms_mock.operations import Operation, ResponseContent
from rooms_mock.paging import CURSOR_NAMES, LIMIT_NAMES, OFFSET_NAMES, TOTAL_NAMES
from rooms_mock.schemas import SchemaCompiler


class Lister:
    def __init__(
        self,
        responder: Responder,
        options: MockOptions,
        merged: Callable[[Any], dict[str, Any]],
        schemas: SchemaCompiler,
        rng: Callable[[Resource, str], random.Random],
    ) -> None:
        self._responder = responder
        self._options = options
        self._merged = merged
        self._schemas = schemas
        self._rng = rng

    def _status(self, operation: Operation) -> int:
        return int(operation.success) if operation.success.isdigit() else 200

    def _answer(
        self,
        operation: Operation,
        status: int,
        value: Any,
        *,
        extra: list[tuple[str, str]] | None = None,
    ) -> MockResponse:
        spec = operation.response_for(status)
        content = spec.first_content() if spec else None
        return self._responder.build(operation, status, spec, content, value, extra=extra)

    def answer(
        self, operation: Operation, resource: Resource, shape: ListShape, request: ParsedRequest
    ) -> MockResponse:
        query = request.query
        selected = [item for item in resource.items.values() if self._matches(item, shape, query)]
        offset = 0
        limit: int | None = None
        for name, value in query.items():
            lowered = name.lower()
            if lowered in LIMIT_NAMES and isinstance(value, int):
                limit = value
            elif lowered in OFFSET_NAMES and isinstance(value, int):
                offset = value
            elif lowered in CURSOR_NAMES:
                # A cursor this process did not hand out points past the end: an empty page.
                offset = resource.cursors.get(str(value), len(selected))
        if limit is None:
            limit = next(
                (
                    int(self._merged(p.validator.schema if p.validator else {}).get("default", 20))
                    for p in operation.parameters
                    if p.where == "query" and p.name.lower() in LIMIT_NAMES
                ),
                len(selected) or 1,
            )
        page = selected[offset : offset + limit]
        more = offset + limit < len(selected)
        if shape.items_member is None:
            return self._answer(operation, self._status(operation), page)
        body: dict[str, Any] = {shape.items_member: page}
        extra: list[tuple[str, str]] = []
        if more and shape.next_member is not None:
            token = self._cursor(resource, shape, offset + limit)
            body[shape.next_member] = token
            cursor_name = next(
                (n for n in query if n.lower() in CURSOR_NAMES),
                next(
                    (
                        p.name
                        for p in operation.parameters
                        if p.where == "query" and p.name.lower() in CURSOR_NAMES
                    ),
                    None,
                ),
            )
            spec = operation.response_for(self._status(operation))
            if cursor_name and spec is not None and any(h.lower() == "link" for h in spec.headers):
                extra.append(("link", self._link(request, cursor_name, token)))
        properties = shape.page_schema.get("properties", {})
        for name in shape.page_schema.get("required", []):
            if name not in body and name in properties:
                body[name] = (
                    len(selected)
                    if name.lower() in TOTAL_NAMES
                    else self._responder.generator.draw(properties[name], self._rng(resource, name))
                )
        return self._answer(operation, self._status(operation), body, extra=extra)

    @staticmethod
    def _link(request: ParsedRequest, cursor_name: str, token: str) -> str:
        pairs = [
            (k, v)
            for k, v in parse_qsl(request.request.query, keep_blank_values=True)
            if k != cursor_name
        ]
        pairs.append((cursor_name, token))
        return f'<{request.request.path}?{urlencode(pairs)}>; rel="next"'

    def _cursor(self, resource: Resource, shape: ListShape, offset: int) -> str:
        for token, known in resource.cursors.items():
            if known == offset:
                return token
        member = shape.page_schema["properties"][shape.next_member]
        content = ResponseContent(
            "application/json", member, self._schemas.compile(member, "response"), {}, []
        )
        seed = self._options.seed
        token = str(self._responder.draw(content, f"cursor {seed} {resource.collection} {offset}"))
        resource.cursors[token] = offset
        return token

    @staticmethod
    def _matches(item: dict[str, Any], shape: ListShape, query: dict[str, Any]) -> bool:
        for name, value in query.items():
            target = shape.filters.get(name)
            if target is None:
                continue
            path, comparison = target
            current: Any = item
            for part in path:
                current = current.get(part) if isinstance(current, dict) else None
            if current is None:
                return False
            try:
                if comparison == "==" and current != value:
                    return False
                if comparison == ">=" and current < value:
                    return False
                if comparison == "<=" and current > value:
                    return False
            except TypeError:
                return False
        return True
