"""Avro schema evolution under a declared compatibility mode: the project's one checker.

    from rooms.compat.avro_evolution import check_pair, check_history
    for failure in check_history([("v1", v1), ("v2", v2)], "FULL_TRANSITIVE"):
        print(failure)   # schema, versions, field path, rule, message

Whether a reader can read a writer's data is decided by Apache avro's rules
(`avro.compatibility.ReaderWriterCompatibilityChecker`, the reference implementation).
Apache reports one merged verdict whose locations are JSON-pointer-like and lost inside
unions, so this module walks the two schemas side by side, asks Apache about each field
pair, and reports each failure at the field it concerns (`room.coordinates.lat`).

One rule is added to Apache's, which ignores logical types: LOGICAL_TYPE_MISMATCH, when
the two sides of a field disagree on logical type, or on a decimal's precision or scale.
The Avro specification requires matching decimals; for the others (timestamp-millis read
as timestamp-micros, a string read as a uuid) the bytes still parse and the values come
out wrong, which is worse than an error.

Modes are Confluent's names: BACKWARD (the new version reads data written with the
earlier one), FORWARD (the earlier reads the new one's), FULL (both), their _TRANSITIVE
forms (against every earlier version, not only the one before) and NONE.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import avro.errors
import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
from avro.schema import ArraySchema, MapSchema, NamedSchema, RecordSchema, UnionSchema

__all__ = [
    "MODES",
    "Incompatibility",
    "check_history",
    "check_pair",
    "incompatibilities",
]

Direction = Literal["backward", "forward"]

# Which way data must be readable between an earlier and a new version, per mode.
_DIRECTIONS: dict[str, tuple[Direction, ...]] = {
    "NONE": (),
    "BACKWARD": ("backward",),
    "BACKWARD_TRANSITIVE": ("backward",),
    "FORWARD": ("forward",),
    "FORWARD_TRANSITIVE": ("forward",),
    "FULL": ("backward", "forward"),
    "FULL_TRANSITIVE": ("backward", "forward"),
}
MODES = tuple(_DIRECTIONS)
LOGICAL_TYPE_MISMATCH = "LOGICAL_TYPE_MISMATCH"
_LOGICAL_PROPS = ("logicalType", "precision", "scale")


@dataclass(frozen=True)
class Incompatibility:
    """One way a new version breaks its mode against one earlier version, at one field."""

    schema: str  # the full name, e.g. rooms.events.RoomDeleted
    earlier: str  # the earlier version's label, e.g. "v1"
    new: str  # the new version's label, e.g. "v2"
    mode: str  # the declared mode, e.g. FULL_TRANSITIVE
    direction: Direction  # backward: new reads earlier's data; forward: earlier reads new's
    field: str  # a dotted path from the top record, e.g. room.images[].url; "" = the top
    rule: str  # Apache avro's incompatibility type in capitals, or LOGICAL_TYPE_MISMATCH
    message: str  # what is wrong there, in words

    @property
    def reader(self) -> str:
        return self.new if self.direction == "backward" else self.earlier

    @property
    def writer(self) -> str:
        return self.earlier if self.direction == "backward" else self.new

    def __str__(self) -> str:
        where = f"field {self.field}" if self.field else "the top-level schema"
        return (
            f"{self.schema} {self.new} breaks {self.mode} against {self.earlier} at {where}: "
            f"{self.rule}: {self.message} ({self.reader} reading data written with {self.writer})"
        )


@dataclass(frozen=True)
class _Failure:
    field: str
    rule: str
    message: str


def check_pair(
    earlier: Any,
    new: Any,
    mode: str,
    *,
    earlier_label: str = "earlier",
    new_label: str = "new",
) -> list[Incompatibility]:
    """Every way `new` breaks `mode` against `earlier` (schemas as JSON text or parsed JSON).

    Raises ValueError for an unknown mode or a schema Apache avro cannot parse.
    """
    if mode not in _DIRECTIONS:
        raise ValueError(f"unknown compatibility mode {mode!r}; expected one of {', '.join(MODES)}")
    schemas = {
        "earlier": _parse(earlier, earlier_label),
        "new": _parse(new, new_label),
    }
    name = _display_name(schemas["new"])
    found: list[Incompatibility] = []
    for direction in _DIRECTIONS[mode]:
        reader, writer = (
            (schemas["new"], schemas["earlier"])
            if direction == "backward"
            else (schemas["earlier"], schemas["new"])
        )
        for failure in _Comparison(reader, writer).failures():
            found.append(
                Incompatibility(
                    schema=name,
                    earlier=earlier_label,
                    new=new_label,
                    mode=mode,
                    direction=direction,
                    field=failure.field,
                    rule=failure.rule,
                    message=failure.message,
                )
            )
    return found


def check_history(versions: Sequence[tuple[str, Any]], mode: str) -> list[Incompatibility]:
    """Each version (label, schema), oldest first, against the earlier ones `mode` names:
    every one before it for *_TRANSITIVE, else only the one just before it."""
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


def incompatibilities(earlier: Any, new: Any, mode: str) -> Sequence[str]:
    """The entry point `rooms contracts diff` calls for one pair: the reasons, as sentences."""
    return [str(failure) for failure in check_pair(earlier, new, mode)]


def _parse(schema: Any, label: str) -> avro.schema.Schema:
    text = schema if isinstance(schema, str) else json.dumps(schema)
    try:
        with warnings.catch_warnings():
            # Avro readers ignore a logical type they do not know (the spec says so); Apache
            # warns about it, and the LOGICAL_TYPE_MISMATCH rule still compares the names.
            warnings.simplefilter("ignore", avro.errors.IgnoredLogicalType)
            return avro.schema.parse(text)
    except (avro.errors.AvroException, ValueError) as error:
        raise ValueError(f"{label}: not a valid Avro schema: {error}") from error


def _display_name(schema: avro.schema.Schema) -> str:
    fullname = getattr(schema, "fullname", None)
    return str(fullname) if fullname else str(schema.type)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _describe(schema: avro.schema.Schema) -> str:
    if isinstance(schema, NamedSchema):
        return f"{schema.type} {schema.fullname}"
    logical = schema.props.get("logicalType")
    return f"{schema.type} ({logical})" if logical else str(schema.type)


class _Comparison:
    """One reader/writer pair, walked field by field; Apache avro judges each step."""

    def __init__(self, reader: avro.schema.Schema, writer: avro.schema.Schema) -> None:
        self.reader, self.writer = reader, writer
        self.checker = ReaderWriterCompatibilityChecker()  # type: ignore[no-untyped-call]
        self.walking: list[tuple[int, int]] = []  # the pairs above this point of the walk

    def compatible(self, reader: avro.schema.Schema, writer: avro.schema.Schema) -> bool:
        result = self.checker.get_compatibility(reader, writer)
        return bool(result.compatibility is not SchemaCompatibilityType.incompatible)

    def failures(self) -> list[_Failure]:
        located = self.walk(self.reader, self.writer, "")
        rules_failed = any(failure.rule != LOGICAL_TYPE_MISMATCH for failure in located)
        if self.compatible(self.reader, self.writer):
            # Apache's verdict stands: the walk may only add the logical-type rule.
            return [failure for failure in located if failure.rule == LOGICAL_TYPE_MISMATCH]
        if not rules_failed:
            # Apache found something the walk could not place: report it at the top, whole.
            located.append(self.apache_failure(self.reader, self.writer, ""))
        return _unique(located)

    def apache_failure(
        self, reader: avro.schema.Schema, writer: avro.schema.Schema, path: str
    ) -> _Failure:
        result = self.checker.get_compatibility(reader, writer)
        rules = sorted({kind.name.upper() for kind in result.incompatibilities})
        detail = "; ".join(sorted(result.messages))
        return _Failure(
            path,
            ", ".join(rules),
            f"the reader's {_describe(reader)} cannot read the writer's {_describe(writer)}"
            f" (Apache avro: {detail})",
        )

    def walk(
        self, reader: avro.schema.Schema, writer: avro.schema.Schema, path: str
    ) -> list[_Failure]:
        pair = (id(reader), id(writer))
        if pair in self.walking:  # a recursive type meets itself: its fields are being walked
            return []
        self.walking.append(pair)
        try:
            return self.walk_pair(reader, writer, path)
        finally:
            self.walking.pop()

    def walk_pair(
        self, reader: avro.schema.Schema, writer: avro.schema.Schema, path: str
    ) -> list[_Failure]:
        if isinstance(writer, UnionSchema):
            return [
                failure for branch in writer.schemas for failure in self.walk(reader, branch, path)
            ]
        if isinstance(reader, UnionSchema):
            return self.walk_into_union(reader, writer, path)
        if (
            isinstance(reader, RecordSchema)
            and isinstance(writer, RecordSchema)
            and _same_name(reader, writer)
        ):
            return self.walk_record(reader, writer, path)
        if isinstance(reader, ArraySchema) and isinstance(writer, ArraySchema):
            return self.walk(reader.items, writer.items, f"{path}[]")
        if isinstance(reader, MapSchema) and isinstance(writer, MapSchema):
            return self.walk(reader.values, writer.values, f"{path}{{}}")
        if not self.compatible(reader, writer):
            return [self.apache_failure(reader, writer, path)]
        return self.logical_types(reader, writer, path)

    def walk_into_union(
        self, reader: UnionSchema, writer: avro.schema.Schema, path: str
    ) -> list[_Failure]:
        # As Avro resolves: the first reader branch that can read the writer's type; if none
        # can, the branch of the same kind and name, to say what inside it breaks.
        for branch in reader.schemas:
            if self.compatible(branch, writer):
                return self.walk(branch, writer, path)
        for branch in reader.schemas:
            if branch.type == writer.type and getattr(branch, "fullname", None) == getattr(
                writer, "fullname", None
            ):
                return self.walk(branch, writer, path)
        branches = ", ".join(_describe(branch) for branch in reader.schemas)
        return [
            _Failure(
                path,
                "MISSING_UNION_BRANCH",
                f"the reader's union [{branches}] has no branch for the writer's {_describe(writer)}",
            )
        ]

    def walk_record(self, reader: RecordSchema, writer: RecordSchema, path: str) -> list[_Failure]:
        found: list[_Failure] = []
        written = writer.fields_dict
        for field in reader.fields:
            names = [field.name, *(field.props.get("aliases") or [])]
            source = next((written[name] for name in names if name in written), None)
            where = _join(path, field.name)
            if source is not None:
                found += self.walk(field.type, source.type, where)
            elif not field.has_default:
                found.append(
                    _Failure(
                        where,
                        "READER_FIELD_MISSING_DEFAULT_VALUE",
                        f"the reader needs {field.name!r}, which has no default, and the writer's "
                        f"{writer.fullname} does not write it",
                    )
                )
        return found

    def logical_types(
        self, reader: avro.schema.Schema, writer: avro.schema.Schema, path: str
    ) -> list[_Failure]:
        wanted = {prop: reader.props.get(prop) for prop in _LOGICAL_PROPS}
        given = {prop: writer.props.get(prop) for prop in _LOGICAL_PROPS}
        if wanted == given:
            return []
        return [
            _Failure(
                path,
                LOGICAL_TYPE_MISMATCH,
                f"the writer writes {_logical_text(given)} and the reader reads "
                f"{_logical_text(wanted)}: the bytes parse but the values change meaning",
            )
        ]


def _same_name(reader: RecordSchema, writer: RecordSchema) -> bool:
    """Apache's rule: the same name, or the writer's full name among the reader's aliases."""
    aliases = reader.props.get("aliases")
    return bool(
        reader.name == writer.name or (isinstance(aliases, list) and writer.fullname in aliases)
    )


def _logical_text(props: dict[str, Any]) -> str:
    if not props["logicalType"]:
        return "no logical type"
    if props["logicalType"] == "decimal":
        return f"decimal({props['precision']}, {props['scale'] or 0})"
    return str(props["logicalType"])


def _unique(failures: Iterable[_Failure]) -> list[_Failure]:
    return list(dict.fromkeys(failures))
