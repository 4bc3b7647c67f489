"""The keywords that constrain one value: type, nullable, format, enum, bounds, pattern,
uniqueItems and default."""

from __future__ import annotations

from rooms.compat.change_report import Severity
from rooms.compat.openapi_resolve import Node, freeze
from rooms.compat.openapi_schema_diff_base import SchemaDiffBase
from rooms.compat.openapi_schema_model import (
    LOWER_BOUNDS,
    UPPER_BOUNDS,
    Direction,
    bound,
    describe_bound,
    effective_pattern,
    implied_type,
    is_tighter,
    kebab,
    refuses_line_breaks,
    render,
    type_set,
)


class ScalarKeywords(SchemaDiffBase):
    """Requests may not refuse a value they accepted; responses may not send a new kind."""

    def _compare_type(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> bool:
        old_type, new_type = implied_type(old), implied_type(new)
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
        old_set, new_set = type_set(old_type), type_set(new_type)
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
                f"values limited to {sorted(map(render, new_values.values()))}",
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
                f"values removed: {', '.join(sorted(map(render, removed)))}",
            )
        if added:
            # A consumer switching over the old values meets one it does not know.
            self._report(
                direction,
                Direction.RESPONSE,
                "enum-value-added",
                path,
                f"values added: {', '.join(sorted(map(render, added)))}",
                severity=Severity.WARNING,
            )

    def _compare_bounds(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        for lower, bounds in ((True, LOWER_BOUNDS), (False, UPPER_BOUNDS)):
            for keyword, flag in bounds:
                was = bound(old, keyword, flag, lower)
                now = bound(new, keyword, flag, lower)
                if was == now:
                    continue
                described = f"{keyword} {describe_bound(was)} -> {describe_bound(now)}"
                if is_tighter(was, now, lower):
                    self._report(
                        direction,
                        Direction.REQUEST,
                        f"{kebab(keyword)}-tightened",
                        path,
                        described,
                    )
                else:
                    self._report(
                        direction,
                        Direction.RESPONSE,
                        f"{kebab(keyword)}-loosened",
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
        was, now = effective_pattern(old.get("pattern")), effective_pattern(new.get("pattern"))
        if now == "^.*$" and was is not None and refuses_line_breaks(was):
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
