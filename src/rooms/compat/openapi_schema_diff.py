"""Comparing two versions of one schema in the direction data flows: what a request schema may
no longer accept, and what a response schema may now produce."""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rooms.compat.change_report import Severity
from rooms.compat.deprecation import is_deprecated, judge_removal
from rooms.compat.openapi_resolve import Node, Resolver, freeze
from rooms.compat.openapi_schema_dialect import normalise_schema

# A rule fires through this: severity, rule id, the place inside the schema, a message.
Emit = Callable[[Severity, str, str, str], None]

# allOf nesting deeper than this is a cycle through allOf (a schema composed of itself).
_MAX_ALLOF_DEPTH = 32


class Direction(enum.StrEnum):
    """Who writes the data: in a request the client does, in a response the server does."""

    REQUEST = "request"
    RESPONSE = "response"


def _kebab(keyword: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in keyword)


def flatten(resolver: Resolver, node: Node, depth: int = 0) -> dict[str, Node]:
    """The schema with `$ref` followed and `allOf` merged shallowly into one object schema.

    Merging makes "extract a base schema and compose it with allOf" compare equal to the flat
    schema it replaces; it unions properties and `required`, and takes any other keyword from
    the first schema that states it (enough for composition, not a full allOf intersection).
    """
    node = resolver.deref(node)
    if not isinstance(node, Mapping):
        return {}
    node = normalise_schema(node)
    if "allOf" not in node or depth > _MAX_ALLOF_DEPTH:
        return dict(node)
    merged: dict[str, Node] = {k: v for k, v in node.items() if k != "allOf"}
    properties: dict[str, Node] = dict(merged.get("properties") or {})
    required: list[str] = list(merged.get("required") or [])
    for member in node["allOf"] or []:
        part = flatten(resolver, member, depth + 1)
        for key, value in part.items():
            if key == "properties":
                for name, schema in (value or {}).items():
                    properties.setdefault(name, schema)
            elif key == "required":
                required += [name for name in value or [] if name not in required]
            else:
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _type_set(declared: str | tuple[str, ...]) -> frozenset[str]:
    """The types as a set, `number` standing for `integer` too (every integer is a number)."""
    types = {declared} if isinstance(declared, str) else set(declared)
    return frozenset(types | ({"integer"} if "number" in types else set()))


def _implied_type(schema: Mapping[str, Node]) -> str | tuple[str, ...] | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        return declared
    if isinstance(declared, list):
        return tuple(sorted(map(str, declared)))  # 3.1: several types besides null
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


# Keyword pairs bounding a value from below or above; the second is the OpenAPI 3.0 boolean
# exclusivity flag where there is one.
_LOWER_BOUNDS = (
    ("minimum", "exclusiveMinimum"),
    ("minLength", None),
    ("minItems", None),
    ("minProperties", None),
)
_UPPER_BOUNDS = (
    ("maximum", "exclusiveMaximum"),
    ("maxLength", None),
    ("maxItems", None),
    ("maxProperties", None),
)


def _bound(
    schema: Mapping[str, Node], keyword: str, flag: str | None, lower: bool
) -> tuple[float, bool]:
    value = schema.get(keyword)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return (-math.inf if lower else math.inf, False)
    return (float(value), bool(flag and schema.get(flag) is True))


def _tighter(old: tuple[float, bool], new: tuple[float, bool], lower: bool) -> bool:
    """True when the new bound rejects a value the old one accepted."""
    if old[0] == new[0]:
        return new[1] and not old[1]
    return new[0] > old[0] if lower else new[0] < old[0]


def _visible_properties(
    resolver: Resolver, schema: Mapping[str, Node], direction: Direction
) -> dict[str, Node]:
    """Properties that travel in this direction: readOnly ones are never sent by a client,
    writeOnly ones never returned by the server (OpenAPI 3.0, Schema Object)."""
    hidden = "readOnly" if direction is Direction.REQUEST else "writeOnly"
    properties = schema.get("properties") or {}
    return {
        name: prop
        for name, prop in properties.items()
        if flatten(resolver, prop).get(hidden) is not True
    }


def _required(schema: Mapping[str, Node], visible: Mapping[str, Node]) -> set[str]:
    properties = schema.get("properties") or {}
    # A required name that is declared but hidden in this direction does not bind this side.
    return {
        name for name in schema.get("required") or [] if name in visible or name not in properties
    }


def _render(value: Any) -> str:
    return repr(value) if not isinstance(value, str) else f"'{value}'"


@dataclass
class SchemaDiffer:
    """Walks two schemas side by side and reports each difference through `emit`."""

    old: Resolver
    new: Resolver
    emit: Emit
    today: dt.date  # sunsets of deprecated properties are judged against it
    # Pairs of (old schema, new schema, direction) being compared further up: meeting one again
    # means a recursive schema has come round, and everything below was already compared.
    _active: set[tuple[int, int, Direction]] = field(default_factory=set)

    def compare(
        self, old_node: Node, new_node: Node, direction: Direction, path: str = "$"
    ) -> None:
        old_raw, new_raw = self.old.deref(old_node), self.new.deref(new_node)
        key = (id(old_raw), id(new_raw), direction)
        if key in self._active:
            return
        self._active.add(key)
        try:
            self._compare(flatten(self.old, old_raw), flatten(self.new, new_raw), direction, path)
        finally:
            self._active.discard(key)

    def _report(
        self,
        direction: Direction,
        breaks_when: Direction | None,
        rule: str,
        path: str,
        message: str,
        *,
        otherwise: Severity = Severity.INFO,
        severity: Severity = Severity.BREAKING,
    ) -> None:
        """Emit `rule`, at `severity` if the direction is `breaks_when`, else at `otherwise`."""
        chosen = severity if direction is breaks_when else otherwise
        self.emit(chosen, f"{direction}-{rule}", path, message)

    def _compare(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        if not self._compare_type(old, new, direction, path):
            return  # a changed type makes every finer difference noise
        self._compare_nullable(old, new, direction, path)
        self._compare_format(old, new, direction, path)
        self._compare_enum(old, new, direction, path)
        self._compare_bounds(old, new, direction, path)
        self._compare_pattern(old, new, direction, path)
        self._compare_misc(old, new, direction, path)
        self._compare_properties(old, new, direction, path)
        self._compare_additional(old, new, direction, path)
        if "items" in old or "items" in new:
            self.compare(old.get("items") or {}, new.get("items") or {}, direction, path + "[]")
        self._compare_positions(old, new, direction, path)
        self._compare_dependent_required(old, new, direction, path)
        for keyword in ("oneOf", "anyOf"):
            self._compare_alternatives(keyword, old, new, direction, path)

    def _compare_type(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> bool:
        old_type, new_type = _implied_type(old), _implied_type(new)
        if old_type == new_type:
            return True
        request = direction is Direction.REQUEST
        if old_type is None:
            # Request: values of other types are refused now. Response: fewer shapes come back.
            self._report(
                direction, Direction.REQUEST, "type-added", path, f"type restricted to {new_type}"
            )
            return not request
        if new_type is None:
            self._report(
                direction,
                Direction.RESPONSE,
                "type-removed",
                path,
                f"type {old_type} no longer stated: any type may come back",
                severity=Severity.WARNING,
            )
            return True
        old_set, new_set = _type_set(old_type), _type_set(new_type)
        widened = old_set <= new_set
        narrowed = new_set <= old_set
        if (request and widened) or (not request and narrowed):
            self.emit(
                Severity.INFO,
                f"{direction}-type-changed",
                path,
                f"type {old_type} -> {new_type}, every old value still fits",
            )
            return True
        self.emit(
            Severity.BREAKING, f"{direction}-type-changed", path, f"type {old_type} -> {new_type}"
        )
        return False

    def _compare_nullable(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        was, now = old.get("nullable") is True, new.get("nullable") is True
        if was and not now:
            self._report(
                direction, Direction.REQUEST, "nullable-removed", path, "null is no longer allowed"
            )
        elif now and not was:
            self._report(
                direction, Direction.RESPONSE, "became-nullable", path, "the value may now be null"
            )

    def _compare_format(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        was, now = old.get("format"), new.get("format")
        if was == now:
            return
        if was is not None and now is not None:
            self.emit(
                Severity.BREAKING, f"{direction}-format-changed", path, f"format {was} -> {now}"
            )
        elif now is not None:
            self._report(direction, Direction.REQUEST, "format-added", path, f"format {now} added")
        else:
            self._report(
                direction,
                Direction.RESPONSE,
                "format-removed",
                path,
                f"format {was} no longer promised",
                severity=Severity.WARNING,
            )

    def _compare_enum(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if old_enum is None and new_enum is None:
            return
        old_values = {freeze(v): v for v in old_enum or []}
        new_values = {freeze(v): v for v in new_enum or []}
        if old_enum is None:
            self._report(
                direction,
                Direction.REQUEST,
                "enum-added",
                path,
                f"values limited to {sorted(map(_render, new_values.values()))}",
            )
            return
        if new_enum is None:
            self._report(
                direction,
                Direction.RESPONSE,
                "enum-removed",
                path,
                "values no longer limited to a list",
                severity=Severity.WARNING,
            )
            return
        removed = [old_values[k] for k in old_values.keys() - new_values.keys()]
        added = [new_values[k] for k in new_values.keys() - old_values.keys()]
        if removed:
            self._report(
                direction,
                Direction.REQUEST,
                "enum-value-removed",
                path,
                f"values removed: {', '.join(sorted(map(_render, removed)))}",
            )
        if added:
            # A consumer switching over the old values meets one it does not know.
            self._report(
                direction,
                Direction.RESPONSE,
                "enum-value-added",
                path,
                f"values added: {', '.join(sorted(map(_render, added)))}",
                severity=Severity.WARNING,
            )

    def _compare_bounds(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        for lower, bounds in ((True, _LOWER_BOUNDS), (False, _UPPER_BOUNDS)):
            for keyword, flag in bounds:
                was = _bound(old, keyword, flag, lower)
                now = _bound(new, keyword, flag, lower)
                if was == now:
                    continue
                described = f"{keyword} {_describe_bound(was)} -> {_describe_bound(now)}"
                if _tighter(was, now, lower):
                    self._report(
                        direction,
                        Direction.REQUEST,
                        f"{_kebab(keyword)}-tightened",
                        path,
                        described,
                    )
                else:
                    self._report(
                        direction,
                        Direction.RESPONSE,
                        f"{_kebab(keyword)}-loosened",
                        path,
                        described,
                        severity=Severity.WARNING,
                    )
        was_step, now_step = old.get("multipleOf"), new.get("multipleOf")
        if was_step != now_step:
            # The new step accepts every old value only if it divides the old one.
            tighter = now_step is not None and (was_step is None or was_step % now_step != 0)
            looser = was_step is not None and (now_step is None or now_step % was_step != 0)
            message = f"multipleOf {was_step} -> {now_step}"
            if tighter:
                self._report(direction, Direction.REQUEST, "multiple-of-tightened", path, message)
            if looser:
                self._report(
                    direction,
                    Direction.RESPONSE,
                    "multiple-of-loosened",
                    path,
                    message,
                    severity=Severity.WARNING,
                )

    def _compare_pattern(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        was, now = _effective_pattern(old.get("pattern")), _effective_pattern(new.get("pattern"))
        if now == "^.*$" and was is not None and _refuses_line_breaks(was):
            now = None  # `^.*$` refuses only line breaks, which the old pattern refused too
        if was == now:
            return
        if now is None:
            # Removed, or replaced by a pattern every string matches: a request loosens and
            # nothing tightens; a response may now send values the old pattern promised away.
            self._report(
                direction,
                Direction.RESPONSE,
                "pattern-removed",
                path,
                f"pattern {was!r} no longer applies"
                + (f" ({new.get('pattern')!r} matches every string)" if "pattern" in new else ""),
                severity=Severity.WARNING,
            )
        elif was is None:
            self._report(
                direction, Direction.REQUEST, "pattern-added", path, f"pattern {now!r} added"
            )
        else:
            # Whether one regular expression accepts all another does is not decidable here,
            # so a changed pattern is taken as the unsafe case in both directions.
            self.emit(
                Severity.BREAKING if direction is Direction.REQUEST else Severity.WARNING,
                f"{direction}-pattern-changed",
                path,
                f"pattern {was!r} -> {now!r}",
            )

    def _compare_misc(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        was_unique, now_unique = old.get("uniqueItems") is True, new.get("uniqueItems") is True
        if now_unique and not was_unique:
            self._report(
                direction, Direction.REQUEST, "unique-items-added", path, "items must now be unique"
            )
        elif was_unique and not now_unique:
            self._report(
                direction,
                Direction.RESPONSE,
                "unique-items-removed",
                path,
                "items may now repeat",
                severity=Severity.WARNING,
            )
        if direction is Direction.REQUEST and freeze(old.get("default")) != freeze(
            new.get("default")
        ):
            # A client that leaves the value out now gets a different behaviour.
            self.emit(
                Severity.WARNING,
                "request-default-changed",
                path,
                f"default {old.get('default')!r} -> {new.get('default')!r}",
            )

    def _compare_properties(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        old_props = _visible_properties(self.old, old, direction)
        new_props = _visible_properties(self.new, new, direction)
        old_required, new_required = _required(old, old_props), _required(new, new_props)
        closed = new.get("additionalProperties") is False
        for name in sorted(old_props.keys() | new_props.keys() | old_required | new_required):
            where = f"{path}.{name}"
            if name in old_props and name not in new_props:
                was = flatten(self.old, old_props[name])
                if is_deprecated(was):
                    # The deprecation policy decides, whatever the property was.
                    removal = judge_removal(was, self.today, f"property {name!r}")
                    self.emit(
                        removal.severity,
                        f"{direction}-property-{removal.rule}",
                        where,
                        removal.message,
                    )
                    continue
            if direction is Direction.REQUEST:
                if name in new_required and name not in old_required:
                    rule = (
                        "property-became-required"
                        if name in old_props
                        else "required-property-added"
                    )
                    self.emit(
                        Severity.BREAKING,
                        f"request-{rule}",
                        where,
                        f"{name!r} is now required in requests",
                    )
                elif name in old_required and name not in new_required and name in new_props:
                    self.emit(
                        Severity.INFO,
                        "request-property-became-optional",
                        where,
                        f"{name!r} may now be left out",
                    )
                if name in new_props and name not in old_props and name not in new_required:
                    self.emit(Severity.INFO, "request-property-added", where, f"{name!r} added")
                if name in old_props and name not in new_props:
                    self.emit(
                        Severity.BREAKING if closed else Severity.WARNING,
                        "request-property-removed",
                        where,
                        f"{name!r} removed: "
                        + (
                            "requests that send it are refused"
                            if closed
                            else "a value sent is no longer described"
                        ),
                    )
            else:
                if name in old_required and name not in new_props:
                    self.emit(
                        Severity.BREAKING,
                        "response-required-property-removed",
                        where,
                        f"{name!r} was always returned and is gone",
                    )
                elif name in old_required and name not in new_required:
                    self.emit(
                        Severity.BREAKING,
                        "response-property-became-optional",
                        where,
                        f"{name!r} was always returned and may now be missing",
                    )
                elif name in old_props and name not in new_props:
                    self.emit(
                        Severity.WARNING,
                        "response-optional-property-removed",
                        where,
                        f"{name!r} is no longer returned",
                    )
                elif name in new_props and name not in old_props:
                    self.emit(Severity.INFO, "response-property-added", where, f"{name!r} added")
                elif name in new_required and name not in old_required:
                    self.emit(
                        Severity.INFO,
                        "response-property-became-required",
                        where,
                        f"{name!r} is now always returned",
                    )
            if name in old_props and name in new_props:
                self.compare(old_props[name], new_props[name], direction, where)

    def _compare_additional(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        if "additionalProperties" not in old and "additionalProperties" not in new:
            return
        was, now = old.get("additionalProperties", True), new.get("additionalProperties", True)
        # `true`, absent and `{}` all allow anything.
        was_any = was is True or was == {}
        now_any = now is True or now == {}
        where = f"{path}.*"
        if was_any and now_any:
            return
        if was is False and now is False:
            return
        if was is False:
            self._report(
                direction,
                Direction.RESPONSE,
                "additional-properties-allowed",
                where,
                "properties not listed may now appear",
                severity=Severity.WARNING,
            )
        elif now is False:
            self._report(
                direction,
                Direction.REQUEST,
                "additional-properties-forbidden",
                where,
                "properties not listed are now refused",
            )
        elif was_any:
            self._report(
                direction,
                Direction.REQUEST,
                "additional-properties-tightened",
                where,
                "properties not listed must now match a schema",
            )
        elif now_any:
            self._report(
                direction,
                Direction.RESPONSE,
                "additional-properties-loosened",
                where,
                "properties not listed may now be anything",
                severity=Severity.WARNING,
            )
        else:
            self.compare(was, now, direction, where)

    def _compare_positions(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        """3.1 `prefixItems`: each position against its counterpart (`items` past the prefix)."""
        old_prefix, new_prefix = old.get("prefixItems") or [], new.get("prefixItems") or []
        for index in range(max(len(old_prefix), len(new_prefix))):
            self.compare(
                old_prefix[index] if index < len(old_prefix) else old.get("items") or {},
                new_prefix[index] if index < len(new_prefix) else new.get("items") or {},
                direction,
                f"{path}[{index}]",
            )

    def _compare_dependent_required(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        """3.1 `dependentRequired`: "if A is present, B must be" pairs gained or lost."""

        def pairs(schema: dict[str, Node]) -> set[tuple[str, str]]:
            dependencies = schema.get("dependentRequired") or {}
            return {(str(a), str(b)) for a, needed in dependencies.items() for b in needed or []}

        was, now = pairs(old), pairs(new)
        for present, needed in sorted(now - was):
            self._report(
                direction,
                Direction.REQUEST,
                "dependent-required-added",
                f"{path}.{needed}",
                f"{needed!r} is now required whenever {present!r} is present",
            )
        for present, needed in sorted(was - now):
            self._report(
                direction,
                Direction.RESPONSE,
                "dependent-required-removed",
                f"{path}.{needed}",
                f"{needed!r} no longer always comes with {present!r}",
                severity=Severity.WARNING,
            )

    def _compare_alternatives(
        self,
        keyword: str,
        old: dict[str, Node],
        new: dict[str, Node],
        direction: Direction,
        path: str,
    ) -> None:
        old_branches, new_branches = old.get(keyword) or [], new.get(keyword) or []
        if not old_branches and not new_branches:
            return
        rule = _kebab(keyword)
        old_keys = [freeze(self.old.canonical(b)) for b in old_branches]
        new_keys = [freeze(self.new.canonical(b)) for b in new_branches]
        gone = [i for i, k in enumerate(old_keys) if k not in new_keys]
        came = [i for i, k in enumerate(new_keys) if k not in old_keys]
        if old_branches and new_branches and len(gone) == len(came):
            # Same number of changed branches: compare them pairwise, in order, for detail.
            for old_index, new_index in zip(gone, came, strict=True):
                self.compare(
                    old_branches[old_index],
                    new_branches[new_index],
                    direction,
                    f"{path}<{keyword}[{new_index}]>",
                )
            return
        for index in gone:
            self._report(
                direction,
                Direction.REQUEST,
                f"{rule}-branch-removed",
                f"{path}<{keyword}[{index}]>",
                f"{keyword} alternative {index} removed",
            )
        for index in came:
            self._report(
                direction,
                Direction.RESPONSE,
                f"{rule}-branch-added",
                f"{path}<{keyword}[{index}]>",
                f"{keyword} alternative {index} added",
                severity=Severity.WARNING,
            )


# Patterns that every string matches under ECMA-262 search semantics (JSON Schema's): `.`
# stops at line breaks, but an unanchored or half-anchored `.*` still matches somewhere.
_MATCH_ALL = frozenset({"", ".*", "^.*", ".*$", "(.*)", "[\\s\\S]*", "^[\\s\\S]*$", "^[\\s\\S]*"})
# `^.*$` refuses a value holding a line break. It counts as match-all only against an old
# pattern that refused those too: anchored both ends and naming no class that admits one.
_LINE_BREAK_CLASSES = ("\\s", "\\S", "\\W", "\\D", "\\n", "\\r", "[^", "\\u", "\\x", "\\p", "\\P")


def _effective_pattern(pattern: Node) -> str | None:
    """The pattern as a constraint: None when there is none or it matches every string."""
    if not isinstance(pattern, str) or pattern in _MATCH_ALL:
        return None
    return pattern


def _refuses_line_breaks(pattern: str) -> bool:
    anchored = pattern.startswith("^") and pattern.endswith("$")
    return anchored and not any(token in pattern for token in _LINE_BREAK_CLASSES)


def _describe_bound(bound: tuple[float, bool]) -> str:
    value, exclusive = bound
    if math.isinf(value):
        return "none"
    shown = int(value) if value.is_integer() else value
    return f"{shown} (exclusive)" if exclusive else str(shown)
