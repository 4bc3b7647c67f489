"""Comparing two versions of one schema in the direction data flows: what a request schema may
no longer accept, and what a response schema may now produce. The keywords are compared in
openapi_schema_scalars.py and openapi_schema_structure.py; this module walks the schemas."""

from __future__ import annotations

from rooms.compat.openapi_resolve import Node
from rooms.compat.openapi_schema_model import Direction, flatten
from rooms.compat.openapi_schema_scalars import ScalarKeywords
from rooms.compat.openapi_schema_structure import StructureKeywords

__all__ = ["Direction", "SchemaDiffer"]


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
