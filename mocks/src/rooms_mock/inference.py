"""Stateful mode's reading of a spec: which operations create, list, read, update and delete
which resource.

The roles are read from the REST shape of any spec: `POST /things` creates an item of the
collection `/things` when `/things/{id}` exists; GET/PATCH/PUT/DELETE on `/things/{id}` read,
update and delete it; GET `/things` lists. The item's schema is the item GET's response;
its `readOnly` members are the server's to fill (an id, timestamps, a version counter).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rooms_mock.operations import Operation, is_json_media
from rooms_mock.paging import CURSOR_NAMES, LIMIT_NAMES, NEXT_NAMES, OFFSET_NAMES
from rooms_mock.schemas import CompiledSchema, SchemaCompiler

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


class Inference:
    """The resources found in a spec, and the role each operation plays for one of them."""

    def __init__(
        self,
        operations: list[Operation],
        schemas: SchemaCompiler,
        merged: Callable[[Any], dict[str, Any]],
        unique: tuple[str, ...] = (),
    ) -> None:
        self._merged = merged
        self.schemas = schemas
        self._extra_unique = unique
        self.resources: list[Resource] = []
        self.roles: dict[int, tuple[Resource, str]] = {}
        self.lists: dict[int, ListShape] = {}
        # What stateful mode could not take over, and why: said at start, never silent.
        self.not_inferred: list[str] = []
        self._role_names: dict[str, tuple[Resource, str]] = {}
        self._infer(operations)

    def report(self) -> list[str]:
        """One line per resource inferred (with its operations), one per path that was not."""
        lines = []
        for resource in self.resources:
            roles = sorted(
                (role, op_id)
                for op_id, (owner, role) in self._role_names.items()
                if owner is resource
            )
            held = ", ".join(f"{role} {op_id}" for role, op_id in roles)
            lines.append(f"stateful: {resource.collection} ({held})")
        lines += [f"not stateful: {reason}" for reason in self.not_inferred]
        return lines

    def location_of(self, operation: Operation, value: Any, prefix: str) -> str | None:
        """Where the item a create answered with lives: the Location header's value."""
        role = self.roles.get(id(operation))
        if role is None or role[1] != "create" or not isinstance(value, dict):
            return None
        item_id = value.get(role[0].id_member)
        if item_id is None:
            return None
        return f"{prefix}{role[0].collection}/{item_id}"

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
            if create is None or "{" in path.rsplit("/", 1)[-1]:
                continue  # not a collection: nothing to report
            if create.body is None:
                self.not_inferred.append(f"{path}: {create.operation_id} takes no body")
                continue
            item_paths = [
                other
                for other in by_path
                if re.fullmatch(re.escape(path.rstrip("/")) + r"/\{[^}/]+\}", other)
            ]
            if len(item_paths) != 1:
                self.not_inferred.append(
                    f"{path}: no single item path {path.rstrip('/')}/{{id}} beside it"
                )
                continue
            item_path = item_paths[0]
            item_methods = by_path[item_path]
            source = item_methods.get("GET") or create
            raw_schema = self._success_schema(source)
            item_schema = self._merged(raw_schema) if raw_schema is not None else {}
            if item_schema.get("type", "object") != "object" or not item_schema.get("properties"):
                why = (
                    "is a oneOf/anyOf of alternatives"
                    if any(k in self._merged(raw_schema or {}) for k in ("oneOf", "anyOf"))
                    else "is not an object with properties"
                )
                self.not_inferred.append(
                    f"{path}: the item schema ({source.operation_id}'s answer) {why}"
                )
                continue
            id_param = item_path.rsplit("{", 1)[1].rstrip("}")
            id_member = self._id_member(item_schema, id_param)
            if id_member is None:
                self.not_inferred.append(
                    f"{path}: no member of the item names its id ({id_param}, id, uuid, key, "
                    "or a readOnly uuid)"
                )
                continue
            create_raw = next(iter(create.body.schemas.values()), None)
            create_schema = self._merged(create_raw) if create_raw is not None else {}
            resource = Resource(
                collection=path.rstrip("/"),
                item=item_path,
                id_param=id_param,
                id_member=id_member,
                item_schema=item_schema,
                item_validator=self.schemas.compile(raw_schema, "response"),
                create_schema=create_schema,
                unique=self._unique(create, create_schema),
                readonly=self._readonly(item_schema, id_member),
            )
            self.resources.append(resource)
            self.roles[id(create)] = (resource, "create")
            self._role_names[create.operation_id] = (resource, "create")
            for method, role in (
                ("GET", "read"),
                ("PATCH", "patch"),
                ("PUT", "replace"),
                ("DELETE", "delete"),
            ):
                if method in item_methods:
                    self.roles[id(item_methods[method])] = (resource, role)
                    self._role_names[item_methods[method].operation_id] = (resource, role)
            listing = methods.get("GET")
            if listing is not None:
                shape = self._list_shape(listing, resource)
                if shape is not None:
                    self.roles[id(listing)] = (resource, "list")
                    self._role_names[listing.operation_id] = (resource, "list")
                    self.lists[id(listing)] = shape
                else:
                    self.not_inferred.append(
                        f"{path}: {listing.operation_id} answers no list of the items: "
                        "served from its examples"
                    )

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
        unique = list(self._extra_unique)
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
            if name.lower() in NEXT_NAMES:
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
        if lowered in LIMIT_NAMES | CURSOR_NAMES | OFFSET_NAMES:
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
