"""The test oracle for schema evolution: what a reader should see of a writer's record.

Written from the Avro specification's resolution rules, independently of fastavro (whose
answer the tests compare with it): record fields matched by name or alias, the reader's
defaults for fields the writer lacks, the writer's other fields dropped, unions resolved
by the branch the value was written with, numbers promoted (int -> long -> float ->
double), string and bytes exchanged. Defaults are converted as fastavro's reader returns
them; a default of a kind this oracle does not know is refused by name, not guessed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Mapping
from typing import Any

_NAMED = {"record", "error", "enum", "fixed"}
_TIME_LOGICAL = {
    "date",
    "time-millis",
    "time-micros",
    "timestamp-millis",
    "timestamp-micros",
    "local-timestamp-millis",
    "local-timestamp-micros",
}
_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def project(value: Any, writer: Any, reader: Any) -> Any:
    """`value`, written with `writer`, as read with `reader` (both self-contained schemas)."""
    return _Projection(writer, reader).value(value, writer, reader, "", "")


def _named_types(schema: Any, namespace: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}

    def visit(node: Any, space: str) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item, space)
        elif isinstance(node, Mapping):
            kind = node.get("type")
            if kind in _NAMED:
                name = str(node["name"])
                full = name if "." in name else f"{node.get('namespace', space)}.{name}".lstrip(".")
                found[full] = node
                space = full.rpartition(".")[0]
            for key in ("type", "items", "values"):
                if key in node and not isinstance(node[key], str):
                    visit(node[key], space)
            for field in node.get("fields", []):
                visit(field["type"], space)

    visit(schema, namespace)
    return found


class _Projection:
    def __init__(self, writer: Any, reader: Any) -> None:
        self.types = {"writer": _named_types(writer), "reader": _named_types(reader)}

    def resolve(self, schema: Any, side: str, space: str) -> tuple[Any, str]:
        """A schema with named references and {"type": {...}} wrappers looked through."""
        while True:
            if isinstance(schema, str) and schema not in _PRIMITIVES:
                full = schema if "." in schema else f"{space}.{schema}".lstrip(".")
                schema = self.types[side][full]
            elif isinstance(schema, Mapping) and isinstance(schema.get("type"), list | Mapping):
                schema = schema["type"]
            else:
                break
        if isinstance(schema, Mapping) and schema.get("type") in _NAMED:
            name = str(schema["name"])
            full = name if "." in name else f"{schema.get('namespace', space)}.{name}".lstrip(".")
            space = full.rpartition(".")[0]
        return schema, space

    @staticmethod
    def kind(schema: Any) -> str:
        if isinstance(schema, list):
            return "union"
        if isinstance(schema, str):
            return schema
        return str(schema["type"])

    def value(self, value: Any, writer: Any, reader: Any, wspace: str, rspace: str) -> Any:
        writer, wspace = self.resolve(writer, "writer", wspace)
        reader, rspace = self.resolve(reader, "reader", rspace)
        if self.kind(writer) == "union":
            writer = self.written_branch(value, writer, wspace)
            return self.value(value, writer, reader, wspace, rspace)
        if self.kind(reader) == "union":
            return self.value(
                value, writer, self.reading_branch(writer, reader, rspace), wspace, rspace
            )
        kind = self.kind(reader)
        if kind in {"record", "error"}:
            return self.record(value, writer, reader, wspace, rspace)
        if kind == "array":
            return [
                self.value(item, writer["items"], reader["items"], wspace, rspace) for item in value
            ]
        if kind == "map":
            return {
                key: self.value(item, writer["values"], reader["values"], wspace, rspace)
                for key, item in value.items()
            }
        if kind in {"float", "double"} and isinstance(value, int):
            return float(value)
        if kind == "string" and isinstance(value, bytes):
            return value.decode("utf-8")
        if kind == "bytes" and isinstance(value, str):
            return value.encode("utf-8")
        return value

    def record(
        self, value: Mapping[str, Any], writer: Any, reader: Any, wspace: str, rspace: str
    ) -> dict[str, Any]:
        written = {field["name"]: field for field in writer["fields"]}
        result: dict[str, Any] = {}
        for field in reader["fields"]:
            names = [field["name"], *field.get("aliases", [])]
            source = next((written[name] for name in names if name in written), None)
            if source is not None:
                result[field["name"]] = self.value(
                    value[source["name"]], source["type"], field["type"], wspace, rspace
                )
            elif "default" in field:
                result[field["name"]] = self.default(field["default"], field["type"], rspace)
            else:
                raise AssertionError(f"{field['name']}: the reader needs it, the writer lacks it")
        return result

    def written_branch(self, value: Any, union: list[Any], space: str) -> Any:
        """The branch a writer puts `value` in: the first whose kind fits it."""
        for branch in union:
            schema, _ = self.resolve(branch, "writer", space)
            if _fits(value, schema, self.kind(schema)):
                return branch
        raise AssertionError(f"no branch of {union} holds {value!r}")

    def reading_branch(self, writer: Any, union: list[Any], space: str) -> Any:
        """The first reader branch of the writer's kind (and name), else one it promotes to."""
        wkind = self.kind(writer)
        promotions = {
            "int": ["long", "float", "double"],
            "long": ["float", "double"],
            "float": ["double"],
            "string": ["bytes"],
            "bytes": ["string"],
        }
        for kinds in ([wkind], promotions.get(wkind, [])):
            for branch in union:
                schema, _ = self.resolve(branch, "reader", space)
                if self.kind(schema) in kinds and (
                    wkind not in _NAMED
                    or schema["name"].rpartition(".")[2] == writer["name"].rpartition(".")[2]
                ):
                    return branch
        raise AssertionError(f"the reader's union {union} has no branch for the writer's {wkind}")

    def default(self, default: Any, schema: Any, space: str) -> Any:
        schema, space = self.resolve(schema, "reader", space)
        kind = self.kind(schema)
        if kind == "union":  # a union's default is of its first branch
            return self.default(default, schema[0], space)
        logical = schema.get("logicalType") if isinstance(schema, Mapping) else None
        if logical == "uuid":
            return uuid.UUID(default)
        if logical is not None:
            raise NotImplementedError(
                f"a default of logical type {logical}: extend avro_projection"
            )
        if kind in {"record", "error"}:
            return {
                field["name"]: self.default(
                    default.get(field["name"], field.get("default")), field["type"], space
                )
                for field in schema["fields"]
            }
        if kind == "array":
            return [self.default(item, schema["items"], space) for item in default]
        if kind == "map":
            return {
                key: self.default(item, schema["values"], space) for key, item in default.items()
            }
        if kind in {"bytes", "fixed"}:
            return default.encode("latin-1")  # JSON defaults hold bytes as code points 0-255
        if kind in {"float", "double"}:
            return float(default)
        return default


def _fits(value: Any, schema: Any, kind: str) -> bool:
    logical = schema.get("logicalType") if isinstance(schema, Mapping) else None
    if logical == "decimal" and kind in {"bytes", "fixed"}:
        return isinstance(value, decimal.Decimal)
    if logical in _TIME_LOGICAL and kind in {"int", "long"}:
        return isinstance(value, dt.date | dt.time)  # datetime is a date too
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in {"int", "long"}:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in {"float", "double"}:
        return isinstance(value, float)
    if kind == "string":
        return isinstance(value, str | uuid.UUID)
    if kind in {"bytes", "fixed"}:
        return isinstance(value, bytes)
    if kind == "enum":
        return isinstance(value, str) and value in schema["symbols"]
    if kind in {"record", "error"}:
        return isinstance(value, Mapping) and {f["name"] for f in schema["fields"]} <= set(value)
    if kind == "array":
        return isinstance(value, list)
    if kind == "map":
        return isinstance(value, Mapping)
    return False
