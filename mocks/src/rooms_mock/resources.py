"""Stateful mode: which operations create, list, read, update and delete which resource, and
an in-memory store that answers them for the life of the process.

The roles are read from the REST shape of any spec: `POST /things` creates an item of the
collection `/things` when `/things/{id}` exists; GET/PATCH/PUT/DELETE on `/things/{id}` read,
update and delete it; GET `/things` lists. The item's schema is the item GET's response;
its `readOnly` members are the server's to fill (an id, timestamps, a version counter).
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from rooms_mock.operations import Operation, OperationCompiler, ResponseContent, is_json_media
from rooms_mock.problems import CONFLICT, INVALID, NOT_FOUND, STALE
from rooms_mock.schemas import CompiledSchema
from rooms_mock.writes import Write, WriteListener

if TYPE_CHECKING:
    from rooms_mock.engine import MockEngine, MockResponse, ParsedRequest

_LIMIT_NAMES = {"limit", "page_size", "pagesize", "per_page", "perpage", "size", "max_results"}
_CURSOR_NAMES = {"cursor", "page_token", "pagetoken", "after", "starting_after", "continuation"}
_OFFSET_NAMES = {"offset", "skip", "start"}
_NEXT_NAMES = ("next", "next_cursor", "nextcursor", "next_page_token", "nextpagetoken", "cursor")
_TOTAL_NAMES = {"total", "count", "total_count", "totalcount"}
_RANGES = (
    ("min_", ">="),
    ("max_", "<="),
    ("_min", ">="),
    ("_max", "<="),
    ("_gte", ">="),
    ("_lte", "<="),
    ("from_", ">="),
    ("to_", "<="),
)


@dataclass
class Resource:
    collection: str
    item: str
    id_param: str
    id_member: str
    item_schema: dict[str, Any]
    item_validator: CompiledSchema
    create_schema: dict[str, Any]
    unique: list[str]
    readonly: dict[str, str]  # member -> id, created, updated, counter, drawn
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    created: int = 0
    cursors: dict[str, int] = field(default_factory=dict)


@dataclass
class ListShape:
    items_member: str | None  # None: the response is the array itself
    page_schema: dict[str, Any]
    next_member: str | None
    filters: dict[str, tuple[tuple[str, ...], str]]  # query name -> member path, comparison


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: members replace, `null` removes, objects merge."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


def _etag(item: dict[str, Any]) -> str:
    encoded = json.dumps(item, sort_keys=True, separators=(",", ":")).encode()
    return '"' + hashlib.blake2b(encoded, digest_size=16).hexdigest() + '"'


def _etag_matches(header: str, etag: str) -> bool:
    wanted = [part.strip().removeprefix("W/") for part in header.split(",")]
    return "*" in wanted or etag in wanted


class ResourceStore:
    def __init__(self, engine: MockEngine, compiler: OperationCompiler) -> None:
        self._engine = engine
        self._merged = engine.generator.merged
        self._compiler = compiler
        self.resources: list[Resource] = []
        self.roles: dict[int, tuple[Resource, str]] = {}
        self.lists: dict[int, ListShape] = {}
        self._infer(engine.operations)

    # -- inference -----------------------------------------------------------------------

    def _success_schema(self, operation: Operation) -> Any:
        spec = operation.responses.get(operation.success)
        for content in spec.content.values() if spec else ():
            if is_json_media(content.media_type.lower()) and content.schema is not None:
                return content.schema
        return None

    def _infer(self, operations: list[Operation]) -> None:
        by_path: dict[str, dict[str, Operation]] = {}
        for operation in operations:
            by_path.setdefault(operation.path, {})[operation.method] = operation
        for path, methods in by_path.items():
            create = methods.get("POST")
            if create is None or create.body is None:
                continue
            item_paths = [
                other
                for other in by_path
                if re.fullmatch(re.escape(path.rstrip("/")) + r"/\{[^}/]+\}", other)
            ]
            if len(item_paths) != 1:
                continue
            item_path = item_paths[0]
            item_methods = by_path[item_path]
            source = item_methods.get("GET") or create
            raw_schema = self._success_schema(source)
            item_schema = self._merged(raw_schema) if raw_schema is not None else {}
            if item_schema.get("type", "object") != "object" or not item_schema.get("properties"):
                continue
            id_param = item_path.rsplit("{", 1)[1].rstrip("}")
            id_member = self._id_member(item_schema, id_param)
            if id_member is None:
                continue
            create_raw = next(iter(create.body.schemas.values()), None)
            create_schema = self._merged(create_raw) if create_raw is not None else {}
            resource = Resource(
                collection=path.rstrip("/"),
                item=item_path,
                id_param=id_param,
                id_member=id_member,
                item_schema=item_schema,
                item_validator=self._compiler.schemas.compile(raw_schema, "response"),
                create_schema=create_schema,
                unique=self._unique(create, create_schema),
                readonly=self._readonly(item_schema, id_member),
            )
            self.resources.append(resource)
            self.roles[id(create)] = (resource, "create")
            for method, role in (
                ("GET", "read"),
                ("PATCH", "patch"),
                ("PUT", "replace"),
                ("DELETE", "delete"),
            ):
                if method in item_methods:
                    self.roles[id(item_methods[method])] = (resource, role)
            listing = methods.get("GET")
            if listing is not None:
                shape = self._list_shape(listing, resource)
                if shape is not None:
                    self.roles[id(listing)] = (resource, "list")
                    self.lists[id(listing)] = shape

    def _id_member(self, schema: dict[str, Any], id_param: str) -> str | None:
        properties = schema["properties"]
        stem = re.sub(r"(_id|Id|ID)$", "", id_param)
        for name in (id_param, "id", f"{stem}_id", "uuid", "key"):
            if name in properties:
                return name
        for key, member in properties.items():
            if (
                self._merged(member).get("readOnly")
                and self._merged(member).get("format") == "uuid"
            ):
                return str(key)
        return None

    def _unique(self, create: Operation, create_schema: dict[str, Any]) -> list[str]:
        """`--unique` members, plus those described as unique when creating documents a 409."""
        unique = [name for name in self._engine.options.unique]
        if create.documents(409):
            for name, member in create_schema.get("properties", {}).items():
                described = str(self._merged(member).get("description", "")) + str(
                    member.get("description", "") if isinstance(member, dict) else ""
                )
                if re.search(r"\bunique\b", described, re.IGNORECASE) and name not in unique:
                    unique.append(name)
        return unique

    def _readonly(self, schema: dict[str, Any], id_member: str) -> dict[str, str]:
        kinds: dict[str, str] = {}
        for name, raw in schema["properties"].items():
            member = self._merged(raw)
            if name == id_member:
                kinds[name] = "id"
            elif not member.get("readOnly"):
                continue
            elif member.get("format") == "date-time":
                kinds[name] = "created" if "creat" in name.lower() else "updated"
            elif member.get("type") == "integer":
                kinds[name] = "counter"
            else:
                kinds[name] = "drawn"
        return kinds

    def _list_shape(self, listing: Operation, resource: Resource) -> ListShape | None:
        raw = self._success_schema(listing)
        if raw is None:
            return None
        page = self._merged(raw)
        items_member: str | None = None
        if page.get("type") == "array":
            if self._merged(page.get("items")) != resource.item_schema:
                return None
        else:
            for name, member in page.get("properties", {}).items():
                merged = self._merged(member)
                if (
                    merged.get("type") == "array"
                    and self._merged(merged.get("items")) == resource.item_schema
                ):
                    items_member = name
                    break
            if items_member is None:
                return None
        next_member = None
        for name in page.get("properties", {}):
            if name.lower() in _NEXT_NAMES:
                next_member = name
                break
        filters = {}
        for parameter in listing.parameters:
            if parameter.where == "query":
                target = self._filter_target(parameter.name, resource.item_schema)
                if target is not None:
                    filters[parameter.name] = target
        return ListShape(items_member, page, next_member, filters)

    def _filter_target(
        self, name: str, schema: dict[str, Any]
    ) -> tuple[tuple[str, ...], str] | None:
        lowered = name.lower()
        if lowered in _LIMIT_NAMES | _CURSOR_NAMES | _OFFSET_NAMES:
            return None
        candidates = [(name, "==")]
        for affix, comparison in _RANGES:
            if lowered.startswith(affix) or lowered.endswith(affix):
                stripped = name[len(affix) :] if lowered.startswith(affix) else name[: -len(affix)]
                candidates.append((stripped, comparison))
        for candidate, comparison in candidates:
            for spelling in (candidate, f"is_{candidate}", f"has_{candidate}"):
                path = self._member_path(spelling, schema)
                if path is not None:
                    return path, comparison
        return None

    def _member_path(self, name: str, schema: dict[str, Any]) -> tuple[str, ...] | None:
        properties = schema.get("properties", {})
        if name in properties:
            return (name,)
        for outer, member in properties.items():
            nested = self._merged(member).get("properties", {})
            if name in nested:
                return (outer, name)
        return None

    # -- answers -------------------------------------------------------------------------

    def clear(self) -> None:
        for resource in self.resources:
            resource.items.clear()
            resource.etags.clear()
            resource.cursors.clear()
            resource.created = 0

    def location_of(self, operation: Operation, value: Any) -> str | None:
        role = self.roles.get(id(operation))
        if role is None or role[1] != "create" or not isinstance(value, dict):
            return None
        item_id = value.get(role[0].id_member)
        if item_id is None:
            return None
        return f"{self._engine.router.prefix}{role[0].collection}/{item_id}"

    def handle(self, operation: Operation, request: ParsedRequest) -> MockResponse | None:
        role = self.roles.get(id(operation))
        if role is None:
            return None
        resource, action = role
        handler: Callable[[Operation, Resource, ParsedRequest], MockResponse | None] = getattr(
            self, f"_{action}"
        )
        listeners = self._engine.write_listeners
        if not listeners or action in ("read", "list"):
            return handler(operation, resource, request)
        return self._notifying(listeners, operation, resource, action, request, handler)

    def _notifying(
        self,
        listeners: list[WriteListener],
        operation: Operation,
        resource: Resource,
        action: str,
        request: ParsedRequest,
        handler: Callable[[Operation, Resource, ParsedRequest], MockResponse | None],
    ) -> MockResponse | None:
        """Run a write and tell the listeners what it changed (a refused write tells nothing)."""
        key = None if action == "create" else self._key(resource, request)
        before = None if key is None else resource.items.get(key)
        response = handler(operation, resource, request)
        if response is None or not 200 <= response.status < 300:
            return response
        if key is None:
            created = response.json()
            key = str(created.get(resource.id_member)) if isinstance(created, dict) else None
        after = None if action == "delete" or key is None else resource.items.get(key)
        if before is None and after is None:
            return response
        write = Write(operation.operation_id, response.status, before, after)
        for listener in listeners:
            listener(write)
        return response

    def _answer(
        self,
        operation: Operation,
        status: int,
        value: Any,
        *,
        etag: str | None = None,
        location: str | None = None,
        extra: list[tuple[str, str]] | None = None,
    ) -> MockResponse:
        spec = operation.response_for(status)
        content = spec.first_content() if spec else None  # None: a body-less answer (204)
        return self._engine.build(
            operation, status, spec, content, value, etag=etag, location=location, extra=extra
        )

    def _status(self, operation: Operation) -> int:
        return int(operation.success) if operation.success.isdigit() else 200

    def _not_found(self, operation: Operation, resource: Resource, item_id: Any) -> MockResponse:
        return self._engine.problem(
            operation, NOT_FOUND, f"No item of {resource.collection} has id {item_id}."
        )

    def _stale(
        self, operation: Operation, resource: Resource, key: str, header: str
    ) -> MockResponse | None:
        etag = resource.etags[key]
        if _etag_matches(header, etag) or not operation.documents(412):
            return None
        return self._engine.problem(operation, STALE, f"The item is at {etag}, not {header}.")

    def _conflict(
        self, operation: Operation, resource: Resource, item: dict[str, Any], key: str | None
    ) -> MockResponse | None:
        for name in resource.unique:
            value = item.get(name)
            if value is None:
                continue
            for other_key, other in resource.items.items():
                if other_key != key and other.get(name) == value:
                    return self._engine.problem(
                        operation, CONFLICT, f"An item with {name} {value} already exists."
                    )
        return None

    def _invalid(
        self, operation: Operation, resource: Resource, item: dict[str, Any]
    ) -> MockResponse | None:
        if resource.item_validator.is_valid(item):
            return None
        violations = resource.item_validator.violations(item, where="body")
        return self._engine.problem(
            operation,
            INVALID,
            "The change would leave an item that breaks the contract.",
            violations,
        )

    def _rng(self, resource: Resource, purpose: str) -> random.Random:
        seed = self._engine.options.seed
        return random.Random(f"{seed}\n{resource.collection}\n{resource.created}\n{purpose}")

    def _fill(self, resource: Resource, item: dict[str, Any]) -> None:
        """Required members the client did not send get a drawn value."""
        properties = resource.item_schema["properties"]
        for name in resource.item_schema.get("required", []):
            if name not in item and name in properties:
                item[name] = self._engine.generator.draw(
                    properties[name], self._rng(resource, name)
                )

    def _create(
        self, operation: Operation, resource: Resource, request: ParsedRequest
    ) -> MockResponse | None:
        if not isinstance(request.body, dict):
            return None
        item: dict[str, Any] = {}
        for name, member in resource.create_schema.get("properties", {}).items():
            default = self._merged(member).get("default")
            if default is not None:
                item[name] = copy.deepcopy(default)
        item.update(copy.deepcopy(request.body))
        properties = resource.item_schema["properties"]
        if resource.item_schema.get("additionalProperties") is False:
            item = {k: v for k, v in item.items() if k in properties}
        resource.created += 1
        now = _now()
        for name, kind in resource.readonly.items():
            member = self._merged(properties[name])
            if kind == "id":
                item[name] = self._new_id(resource, member)
            elif kind in ("created", "updated"):
                item[name] = now
            elif kind == "counter":
                item[name] = int(member.get("minimum", 1))
            else:
                item[name] = self._engine.generator.draw(member, self._rng(resource, name))
        self._fill(resource, item)
        refused = self._invalid(operation, resource, item) or self._conflict(
            operation, resource, item, None
        )
        if refused is not None:
            resource.created -= 1
            return refused
        key = str(item[resource.id_member])
        resource.items[key] = item
        resource.etags[key] = _etag(item)
        return self._answer(operation, self._status(operation), item, etag=resource.etags[key])

    def _new_id(self, resource: Resource, member: dict[str, Any]) -> Any:
        if member.get("type") == "integer":
            return resource.created
        if member.get("format") == "uuid" or member.get("type", "string") == "string":
            rng = self._rng(resource, "id")
            if member.get("format") == "uuid" or not member.get("pattern"):
                return str(uuid.UUID(int=rng.getrandbits(128), version=4))
            return self._engine.generator.draw(member, rng)
        return self._engine.generator.draw(member, self._rng(resource, "id"))

    def _key(self, resource: Resource, request: ParsedRequest) -> str:
        return str(request.path_params.get(resource.id_param))

    def _read(
        self, operation: Operation, resource: Resource, request: ParsedRequest
    ) -> MockResponse:
        key = self._key(resource, request)
        item = resource.items.get(key)
        if item is None:
            return self._not_found(operation, resource, key)
        return self._answer(operation, self._status(operation), item, etag=resource.etags[key])

    def _change(
        self, operation: Operation, resource: Resource, request: ParsedRequest, merge: bool
    ) -> MockResponse | None:
        key = self._key(resource, request)
        stored = resource.items.get(key)
        if stored is None:
            return self._not_found(operation, resource, key)
        if_match = request.request.headers.get("if-match")
        if if_match is not None:
            stale = self._stale(operation, resource, key, if_match)
            if stale is not None:
                return stale
        if not isinstance(request.body, dict):
            return None
        changes = {k: v for k, v in request.body.items() if k not in resource.readonly}
        if merge:
            item = merge_patch(stored, changes)
            # `null` on a member the item must have puts back its creation default.
            defaults = resource.create_schema.get("properties", {})
            for name in resource.item_schema.get("required", []):
                default = self._merged(defaults.get(name, {})).get("default")
                if name not in item and default is not None:
                    item[name] = copy.deepcopy(default)
        else:
            item = {**changes, **{k: stored[k] for k in resource.readonly if k in stored}}
            self._fill(resource, item)
        if item != stored:
            now = _now()
            for name, kind in resource.readonly.items():
                if kind == "counter" and isinstance(item.get(name), int):
                    item[name] += 1
                elif kind == "updated":
                    item[name] = now
        refused = self._invalid(operation, resource, item) or self._conflict(
            operation, resource, item, key
        )
        if refused is not None:
            return refused
        resource.items[key] = item
        resource.etags[key] = _etag(item)
        return self._answer(operation, self._status(operation), item, etag=resource.etags[key])

    def _patch(
        self, operation: Operation, resource: Resource, request: ParsedRequest
    ) -> MockResponse | None:
        # JSON Patch (a list of operations) is not spoken: such a body falls back to examples.
        return self._change(operation, resource, request, merge=True)

    def _replace(
        self, operation: Operation, resource: Resource, request: ParsedRequest
    ) -> MockResponse | None:
        return self._change(operation, resource, request, merge=False)

    def _delete(
        self, operation: Operation, resource: Resource, request: ParsedRequest
    ) -> MockResponse:
        key = self._key(resource, request)
        stored = resource.items.get(key)
        if stored is None:
            return self._not_found(operation, resource, key)
        if_match = request.request.headers.get("if-match")
        if if_match is not None:
            stale = self._stale(operation, resource, key, if_match)
            if stale is not None:
                return stale
        del resource.items[key]
        del resource.etags[key]
        return self._answer(operation, self._status(operation), stored)

    def _list(
        self, operation: Operation, resource: Resource, request: ParsedRequest
    ) -> MockResponse:
        shape = self.lists[id(operation)]
        query = request.query
        selected = [item for item in resource.items.values() if self._matches(item, shape, query)]
        offset = 0
        limit: int | None = None
        for name, value in query.items():
            lowered = name.lower()
            if lowered in _LIMIT_NAMES and isinstance(value, int):
                limit = value
            elif lowered in _OFFSET_NAMES and isinstance(value, int):
                offset = value
            elif lowered in _CURSOR_NAMES:
                # A cursor this process did not hand out points past the end: an empty page.
                offset = resource.cursors.get(str(value), len(selected))
        if limit is None:
            limit = next(
                (
                    int(self._merged(p.validator.schema if p.validator else {}).get("default", 20))
                    for p in operation.parameters
                    if p.where == "query" and p.name.lower() in _LIMIT_NAMES
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
                (n for n in query if n.lower() in _CURSOR_NAMES),
                next(
                    (
                        p.name
                        for p in operation.parameters
                        if p.where == "query" and p.name.lower() in _CURSOR_NAMES
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
                    if name.lower() in _TOTAL_NAMES
                    else self._engine.generator.draw(properties[name], self._rng(resource, name))
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
            "application/json", member, self._compiler.schemas.compile(member, "response"), {}, []
        )
        seed = self._engine.options.seed
        token = str(self._engine.draw(content, f"cursor {seed} {resource.collection} {offset}"))
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
