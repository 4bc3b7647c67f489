"""Avro records in JSON form, both ways: the form the contract's examples and the API use.

Timestamps are ISO 8601 strings in UTC with milliseconds (`2026-11-20T09:30:00.000Z`, as
the HTTP API writes them), uuids are strings; everything else is JSON as is. `from_json`
walks the writer schema beside the value, so it converts only where the schema says a
timestamp is, and picks a union's branch by the value's shape.

    record = from_json(writer.schema, {"event_id": "...", "occurred_at": "2026-..."})
    body = encode(writer, record)
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

__all__ = ["JsonFormError", "from_json", "to_json"]

_TIMESTAMPS = {"timestamp-millis", "timestamp-micros"}


class JsonFormError(ValueError):
    """A JSON value does not fit the schema; the message says where."""


def to_json(value: Any) -> Any:
    """A decoded value in JSON's types: the forms the contract's examples use."""
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def from_json(schema: Any, value: Any, where: str = "") -> Any:
    """`value` (JSON, as the examples write it) in the types fastavro's writer takes."""
    converter = _Converter()
    converter.collect(schema, "")
    return converter.convert(schema, value, where, "")


class _Converter:
    """Walks a self-contained schema beside the value, knowing each named type once seen."""

    def __init__(self) -> None:
        self.named: dict[str, tuple[dict[str, Any], str]] = {}  # full name -> (schema, namespace)

    def collect(self, schema: Any, namespace: str) -> None:
        """Learns every named type the schema defines, wherever the value may not go."""
        if isinstance(schema, list):
            for branch in schema:
                self.collect(branch, namespace)
        if not isinstance(schema, dict):
            return
        kind = schema.get("type")
        if kind in {"record", "error", "enum", "fixed"}:
            namespace = self._define(schema, namespace)
        for key in ("type", "items", "values"):
            if isinstance(schema.get(key), list | dict):
                self.collect(schema[key], namespace)
        for field in schema.get("fields", []) if kind in {"record", "error"} else []:
            self.collect(field["type"], namespace)

    def _define(self, schema: dict[str, Any], namespace: str) -> str:
        name = str(schema["name"])
        full = name if "." in name else f"{schema.get('namespace', namespace)}.{name}"
        full = full.lstrip(".")
        namespace = full.rpartition(".")[0]
        self.named[full] = (schema, namespace)
        return namespace

    def _lookup(self, schema: Any, namespace: str) -> tuple[Any, str]:
        """A named type's definition (and its namespace) for a name; anything else as is."""
        if isinstance(schema, str):
            full = schema if "." in schema else f"{namespace}.{schema}".lstrip(".")
            if full in self.named:
                return self.named[full]
        return schema, namespace

    def convert(self, schema: Any, value: Any, where: str, namespace: str) -> Any:
        schema, namespace = self._lookup(schema, namespace)
        if isinstance(schema, list):  # a union: the first branch the value fits
            for branch in schema:
                if _fits(self._lookup(branch, namespace)[0], value):
                    return self.convert(branch, value, where, namespace)
            raise JsonFormError(f"{where}: {value!r} fits no branch of {schema}")
        if not isinstance(schema, dict):
            return value
        kind = schema.get("type")
        if isinstance(kind, list | dict):
            return self.convert(kind, value, where, namespace)
        if kind in {"record", "error", "enum", "fixed"}:
            namespace = self._define(schema, namespace)
        if schema.get("logicalType") in _TIMESTAMPS and isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value)
            except ValueError:
                raise JsonFormError(f"{where}: {value!r} is not an ISO 8601 timestamp") from None
        if kind in {"record", "error"}:
            if not isinstance(value, dict):
                raise JsonFormError(f"{where}: expected an object for {schema['name']}: {value!r}")
            return {
                field["name"]: self.convert(
                    field["type"], value.get(field["name"]), f"{where}/{field['name']}", namespace
                )
                for field in schema["fields"]
                if field["name"] in value or "default" not in field
            }
        if kind == "array" and isinstance(value, list):
            items = schema["items"]
            return [self.convert(items, v, f"{where}/{i}", namespace) for i, v in enumerate(value)]
        if kind == "map" and isinstance(value, dict):
            values = schema["values"]
            return {k: self.convert(values, v, f"{where}/{k}", namespace) for k, v in value.items()}
        return value


def _fits(schema: Any, value: Any) -> bool:
    kind = schema.get("type") if isinstance(schema, dict) else schema
    if kind == "null":
        return value is None
    if value is None:
        return False
    if kind in {"record", "error", "map"}:
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    return True  # a primitive, enum or fixed: fastavro's writer checks the rest
