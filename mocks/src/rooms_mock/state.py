"""Stateful mode: an in-memory store that answers the inferred roles for the life of the process,
and tells its write listeners about every write it makes.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rooms_mock.answers import Responder
from rooms_mock.inference import Inference, Resource
from rooms_mock.listing import Lister
from rooms_mock.messages import MockOptions, MockResponse, ParsedRequest
from rooms_mock.operations import Operation
from rooms_mock.problems import CONFLICT, INVALID, NOT_FOUND, STALE
from rooms_mock.writes import Write, WriteListener

# Called after every successful stateful write with a Write (operation id, status, the body
# answered, the item before and after): how event publishing (or any other observer) hooks
# into the mock without touching the store.
_WRITES = frozenset({"create", "patch", "replace", "delete"})


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
    def __init__(
        self,
        inference: Inference,
        responder: Responder,
        options: MockOptions,
        merged: Callable[[Any], dict[str, Any]],
    ) -> None:
        self.inference = inference
        self._responder = responder
        self._options = options
        self._merged = merged
        self.listeners: list[WriteListener] = []
        self._preloaded: dict[str, list[dict[str, Any]]] = {}
        self._lister = Lister(responder, options, merged, inference.schemas, self._rng)

    def handle(self, operation: Operation, request: ParsedRequest) -> MockResponse | None:
        role = self.inference.roles.get(id(operation))
        if role is None:
            return None
        resource, action = role
        if action == "list":
            shape = self.inference.lists[id(operation)]
            return self._lister.answer(operation, resource, shape, request)
        handler: Callable[[Operation, Resource, ParsedRequest], MockResponse | None] = getattr(
            self, f"_{action}"
        )
        if not self.listeners or action not in _WRITES:
            return handler(operation, resource, request)
        key = None if action == "create" else self._key(resource, request)
        before = None if key is None else resource.items.get(key)
        response = handler(operation, resource, request)
        if response is not None and 200 <= response.status < 300:
            body = response.json()
            if key is None and isinstance(body, dict):
                key = str(body.get(resource.id_member))
            after = None if action == "delete" or key is None else resource.items.get(key)
            write = Write(operation.operation_id, response.status, body, before, after)
            for listener in self.listeners:
                listener(write)
        return response

    def clear(self) -> None:
        """Back to the preloaded items (`--state FILE`), or empty."""
        for resource in self.inference.resources:
            resource.items.clear()
            resource.etags.clear()
            resource.cursors.clear()
            resource.created = 0
        if self._preloaded:
            self._put(self._preloaded)

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every stored item by collection path: what `GET /__mock__/state` answers and what
        `--state FILE` reads."""
        return {r.collection: list(r.items.values()) for r in self.inference.resources}

    def preload(self, data: dict[str, list[dict[str, Any]]]) -> None:
        """Start from these items (checked by state_file.py) and come back to them on reset."""
        self._preloaded = copy.deepcopy(data)
        self.clear()

    def _put(self, data: dict[str, list[dict[str, Any]]]) -> None:
        by_collection = {r.collection: r for r in self.inference.resources}
        for collection, items in data.items():
            resource = by_collection[collection]
            for item in copy.deepcopy(items):
                key = str(item[resource.id_member])
                resource.items[key] = item
                resource.etags[key] = _etag(item)
            resource.created = len(resource.items)

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
        return self._responder.build(
            operation, status, spec, content, value, etag=etag, location=location, extra=extra
        )

    def _status(self, operation: Operation) -> int:
        return int(operation.success) if operation.success.isdigit() else 200

    def _not_found(self, operation: Operation, resource: Resource, item_id: Any) -> MockResponse:
        return self._responder.problem(
            operation, NOT_FOUND, f"No item of {resource.collection} has id {item_id}."
        )

    def _stale(
        self, operation: Operation, resource: Resource, key: str, header: str
    ) -> MockResponse | None:
        etag = resource.etags[key]
        if _etag_matches(header, etag) or not operation.documents(412):
            return None
        return self._responder.problem(operation, STALE, f"The item is at {etag}, not {header}.")

    def _conflict(
        self, operation: Operation, resource: Resource, item: dict[str, Any], key: str | None
    ) -> MockResponse | None:
        for name in resource.unique:
            value = item.get(name)
            if value is None:
                continue
            for other_key, other in resource.items.items():
                if other_key != key and other.get(name) == value:
                    return self._responder.problem(
                        operation, CONFLICT, f"An item with {name} {value} already exists."
                    )
        return None

    def _invalid(
        self, operation: Operation, resource: Resource, item: dict[str, Any]
    ) -> MockResponse | None:
        if resource.item_validator.is_valid(item):
            return None
        violations = resource.item_validator.violations(item, where="body")
        return self._responder.problem(
            operation,
            INVALID,
            "The change would leave an item that breaks the contract.",
            violations,
        )

    def _rng(self, resource: Resource, purpose: str) -> random.Random:
        seed = self._options.seed
        return random.Random(f"{seed}\n{resource.collection}\n{resource.created}\n{purpose}")

    def _fill(self, resource: Resource, item: dict[str, Any]) -> None:
        """Required members the client did not send get a drawn value."""
        properties = resource.item_schema["properties"]
        for name in resource.item_schema.get("required", []):
            if name not in item and name in properties:
                item[name] = self._responder.generator.draw(
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
                item[name] = self._responder.generator.draw(member, self._rng(resource, name))
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
            return self._responder.generator.draw(member, rng)
        return self._responder.generator.draw(member, self._rng(resource, "id"))

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

    def _current(
        self, operation: Operation, resource: Resource, request: ParsedRequest
    ) -> tuple[str, Any] | MockResponse:
        """The item a change or delete names, or the refusal: 404, or 412 on a stale If-Match."""
        key = self._key(resource, request)
        stored = resource.items.get(key)
        if stored is None:
            return self._not_found(operation, resource, key)
        if_match = request.request.headers.get("if-match")
        if if_match is not None:
            stale = self._stale(operation, resource, key, if_match)
            if stale is not None:
                return stale
        return key, stored

    def _change(
        self, operation: Operation, resource: Resource, request: ParsedRequest, merge: bool
    ) -> MockResponse | None:
        found = self._current(operation, resource, request)
        if isinstance(found, MockResponse):
            return found
        key, stored = found
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
        found = self._current(operation, resource, request)
        if isinstance(found, MockResponse):
            return found
        key, stored = found
        del resource.items[key]
        del resource.etags[key]
        return self._answer(operation, self._status(operation), stored)
