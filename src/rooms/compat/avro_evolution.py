"""Avro schema evolution under a declared compatibility mode: the project's one checker.

The rules are Apache avro's (`avro.compatibility`, the reference implementation); this
module decides which directions a mode demands and turns each failure into a sentence
that names the schema, the versions, the field and the rule. `rooms contracts diff` and
the property tests both call it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

# Which way data must flow between an earlier and a new version, per mode.
# BACKWARD: the new schema reads data written with the earlier one.
# FORWARD: the earlier schema reads data written with the new one.
_DIRECTIONS = {
    "NONE": (),
    "BACKWARD": ("backward",),
    "BACKWARD_TRANSITIVE": ("backward",),
    "FORWARD": ("forward",),
    "FORWARD_TRANSITIVE": ("forward",),
    "FULL": ("backward", "forward"),
    "FULL_TRANSITIVE": ("backward", "forward"),
}


@dataclass(frozen=True)
class Incompatibility:
    schema: str
    earlier: str  # e.g. "v1"
    new: str
    direction: str  # backward: new reads earlier data; forward: earlier reads new data
    location: str  # paths into the reader's schema, e.g. /fields/4/type/fields/6
    rule: str  # Apache avro's incompatibility types, e.g. READER_FIELD_MISSING_DEFAULT_VALUE
    detail: str

    def __str__(self) -> str:
        reader, writer = (
            (self.new, self.earlier) if self.direction == "backward" else (self.earlier, self.new)
        )
        return (
            f"{self.schema} {self.new} breaks {self.direction} compatibility with {self.earlier} "
            f"at {self.location}: {self.rule} ({self.detail}; {reader} reading data written by {writer})"
        )


def _parse(schema: Any) -> avro.schema.Schema:
    return avro.schema.parse(schema if isinstance(schema, str) else json.dumps(schema))


def _name(schema: Any) -> str:
    if isinstance(schema, dict) and "name" in schema:
        name = str(schema["name"])
        return (
            name if "." in name or not schema.get("namespace") else f"{schema['namespace']}.{name}"
        )
    return "schema"


def _field_paths(schema: Any, locations: set[str]) -> str:
    """Apache avro's /fields/4/type/fields/6 as the field names a person reads: room.price."""
    named = []
    for location in sorted(locations - {"/"} or locations):
        node, names = json.loads(schema) if isinstance(schema, str) else schema, []
        parts = [part for part in location.split("/") if part]
        for key, index in zip(parts, [*parts[1:], ""], strict=False):
            if key == "fields" and index.isdigit() and isinstance(node, dict):
                node = node["fields"][int(index)]
                names.append(str(node["name"]))
            elif key == "type" and isinstance(node, dict):
                node = node["type"]
        named.append(".".join(names) or location)
    return ", ".join(named)


def check_pair(
    earlier: Any, new: Any, mode: str, *, earlier_label: str = "earlier", new_label: str = "new"
) -> list[Incompatibility]:
    """Every way `new` breaks `mode` against `earlier` (schemas as JSON or parsed dicts)."""
    if mode not in _DIRECTIONS:
        raise ValueError(
            f"unknown compatibility mode {mode!r}; expected one of {', '.join(_DIRECTIONS)}"
        )
    earlier_schema, new_schema = _parse(earlier), _parse(new)
    checker = ReaderWriterCompatibilityChecker()  # type: ignore[no-untyped-call]
    found: list[Incompatibility] = []
    for direction in _DIRECTIONS[mode]:
        reader, writer = (
            (new_schema, earlier_schema)
            if direction == "backward"
            else (earlier_schema, new_schema)
        )
        reader_json = new if direction == "backward" else earlier
        result = checker.get_compatibility(reader, writer)
        if result.compatibility is SchemaCompatibilityType.compatible:
            continue
        # Apache avro reports sets of rules, locations and messages, not one record per
        # failure, so a direction's failures are reported together.
        found.append(
            Incompatibility(
                schema=_name(new),
                earlier=earlier_label,
                new=new_label,
                direction=direction,
                location=_field_paths(reader_json, result.locations),
                rule=", ".join(sorted({kind.name.upper() for kind in result.incompatibilities})),
                detail="; ".join(sorted(result.messages)),
            )
        )
    return found


def incompatibilities(earlier: Any, new: Any, mode: str) -> Sequence[str]:
    """The entry point `rooms contracts diff` calls for one pair: the reasons, as sentences."""
    return [str(failure) for failure in check_pair(earlier, new, mode)]


def check_history(versions: Sequence[tuple[str, Any]], mode: str) -> list[Incompatibility]:
    """Each version against the earlier ones its mode names: all of them (TRANSITIVE) or the last."""
    found: list[Incompatibility] = []
    for index in range(1, len(versions)):
        new_label, new = versions[index]
        earlier_ones = (
            versions[:index] if mode.endswith("_TRANSITIVE") else versions[index - 1 : index]
        )
        for earlier_label, earlier in earlier_ones:
            found += check_pair(
                earlier, new, mode, earlier_label=earlier_label, new_label=new_label
            )
    return found
