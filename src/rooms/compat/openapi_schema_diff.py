"""Comparing two versions of one schema in the direction data flows: what a request schema may
no longer accept, and what a response schema may now produce. The keywords are compared in
openapi_schema_scalars.py and openapi_schema_structure.py; this module walks the schemas."""

from __future__ import annotations

from rooms.compat.change_report import Severity
from rooms.compat.openapi_resolve import DOCUMENTATION_KEYS, Node, freeze
from rooms.compat.openapi_schema_model import Direction, flatten
from rooms.compat.openapi_schema_scalars import ScalarKeywords
from rooms.compat.openapi_schema_structure import StructureKeywords

__all__ = ["Direction", "SchemaDiffer"]

# Every keyword a rule above judges, after 3.1 spellings are rewritten into the 3.0 model
# (openapi_schema_dialect) and `allOf` is merged (flatten).
JUDGED_KEYWORDS = frozenset(
    {
        "type", "nullable", "format", "enum", "pattern", "default", "uniqueItems",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
        "properties", "required", "additionalProperties", "items", "prefixItems",
        "dependentRequired", "oneOf", "anyOf", "allOf", "readOnly", "writeOnly", "deprecated",
        "$ref", "$schema", "$id", "$anchor", "$defs", "definitions", "$comment",
    }
)  # fmt: skip


class SchemaDiffer(ScalarKeywords, StructureKeywords):
    """Walks two schemas side by side and reports each difference through `emit`."""

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
        self._compare_unjudged(old, new, direction, path)

    def _compare_unjudged(
        self, old: dict[str, Node], new: dict[str, Node], direction: Direction, path: str
    ) -> None:
        """A changed keyword no rule judges (`not`, `if`, `contains`, `patternProperties`...) is
        a warning naming it, never a silent "unchanged"."""
        for keyword in sorted((old.keys() | new.keys()) - JUDGED_KEYWORDS):
            if keyword in DOCUMENTATION_KEYS or str(keyword).startswith("x-"):
                continue
            before = freeze(self.old.canonical(old.get(keyword)))
            after = freeze(self.new.canonical(new.get(keyword)))
            if before != after:
                self.emit(
                    Severity.WARNING,
                    f"{direction}-keyword-not-judged",
                    path,
                    f"{keyword} changed; the guard has no rule for it: review by hand",
                )
