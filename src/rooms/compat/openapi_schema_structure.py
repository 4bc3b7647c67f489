"""The keywords that shape objects and arrays: properties and required, additional and
unevaluated properties, positions, dependencies, and oneOf/anyOf alternatives."""

from __future__ import annotations

from rooms.compat.change_report import Severity
from rooms.compat.deprecation import is_deprecated, judge_deprecation, judge_removal
from rooms.compat.openapi_resolve import Node, freeze
from rooms.compat.openapi_schema_diff_base import SchemaDiffBase
from rooms.compat.openapi_schema_model import (
    Direction,
    flatten,
    kebab,
    required_names,
    visible_properties,
)


class StructureKeywords(SchemaDiffBase):
    """Members and items compared one by one, each in the direction its data flows."""

    def _compare_properties(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        old_props = visible_properties(self.old, old, direction)
        new_props = visible_properties(self.new, new, direction)
        old_required, new_required = required_names(old, old_props), required_names(new, new_props)
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
                deprecation = judge_deprecation(
                    flatten(self.old, old_props[name]),
                    flatten(self.new, new_props[name]),
                    f"property {name!r}",
                )
                if deprecation is not None:
                    self.emit(
                        deprecation.severity,
                        f"{direction}-property-{deprecation.rule}",
                        where,
                        deprecation.message,
                    )
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
        rule = kebab(keyword)
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
