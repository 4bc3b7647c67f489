"""Hypothesis strategies for the values of any Avro schema, logical types included.

    from rooms.testing import from_avro_schema
    @given(from_avro_schema(json.load(open("my.avsc"))))
    def test_round_trip(record): ...

Every value is one fastavro's writer accepts for the schema (its tests check that).
Recursive types are cut at `max_depth` by taking the union's null (or an empty array or
map); a recursive record with no such way out is refused with an error naming it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

_INT = (-(2**31), 2**31 - 1)
_LONG = (-(2**63), 2**63 - 1)
# Datetimes the millis/micros encodings hold and Python can represent, in UTC.
_MIN_TIME = dt.datetime(1, 1, 2)
_MAX_TIME = dt.datetime(9999, 12, 30)


class UnsupportedSchema(ValueError):
    """The schema uses something this module cannot generate; the message names it."""


def from_avro_schema(
    schema: Any, *, max_depth: int = 3, allow_nan: bool = False
) -> st.SearchStrategy[Any]:
    """Values of `schema` (JSON text, or a parsed JSON document)."""
    parsed = (
        json.loads(schema)
        if isinstance(schema, str) and schema.lstrip().startswith(("{", "[", '"'))
        else schema
    )
    return _Builder(allow_nan).build(parsed, namespace="", depth=max_depth)


class _Builder:
    def __init__(self, allow_nan: bool) -> None:
        self.allow_nan = allow_nan
        self.named: dict[str, Any] = {}

    def build(self, schema: Any, *, namespace: str, depth: int) -> st.SearchStrategy[Any]:
        if isinstance(schema, list):
            return self._union(schema, namespace, depth)
        if isinstance(schema, str):
            return self._named_or_primitive(schema, namespace, depth)
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"not an Avro schema: {schema!r}")
        logical = self._logical(schema)
        if logical is not None:
            return logical
        kind = schema.get("type")
        if isinstance(kind, dict | list):
            return self.build(kind, namespace=namespace, depth=depth)
        if kind in {"record", "error", "enum", "fixed"}:
            full = _full_name(schema, namespace)
            self.named[full] = (schema, full.rpartition(".")[0])
            if kind == "enum":
                return st.sampled_from(list(schema["symbols"]))
            if kind == "fixed":
                return st.binary(min_size=schema["size"], max_size=schema["size"])
            return self._record(schema, full.rpartition(".")[0], depth)
        if kind == "array":
            items = (
                self.build(schema["items"], namespace=namespace, depth=depth - 1)
                if depth > 0
                else st.nothing()
            )
            return st.lists(items, max_size=4 if depth > 0 else 0)
        if kind == "map":
            values = (
                self.build(schema["values"], namespace=namespace, depth=depth - 1)
                if depth > 0
                else st.nothing()
            )
            return st.dictionaries(st.text(max_size=8), values, max_size=4 if depth > 0 else 0)
        if isinstance(kind, str):
            return self._named_or_primitive(kind, namespace, depth)
        raise UnsupportedSchema(f"no type in {schema!r}")

    def _record(self, schema: dict[str, Any], namespace: str, depth: int) -> st.SearchStrategy[Any]:
        fields = {
            field["name"]: self.build(field["type"], namespace=namespace, depth=depth - 1)
            for field in schema.get("fields", [])
        }
        return st.fixed_dictionaries(fields)

    def _union(self, branches: list[Any], namespace: str, depth: int) -> st.SearchStrategy[Any]:
        if depth <= 0 and "null" in branches:
            return st.none()
        return st.one_of(
            [self.build(branch, namespace=namespace, depth=depth) for branch in branches]
        )

    def _named_or_primitive(self, name: str, namespace: str, depth: int) -> st.SearchStrategy[Any]:
        primitive = self._primitive(name)
        if primitive is not None:
            return primitive
        full = name if "." in name else f"{namespace}.{name}".lstrip(".")
        if full not in self.named:
            raise UnsupportedSchema(f"type {name!r} is used before it is defined")
        if depth <= 0:
            raise UnsupportedSchema(
                f"{full} recurses deeper than max_depth with no null, array or map to stop at"
            )
        definition, its_namespace = self.named[full]
        return st.deferred(lambda: self.build(definition, namespace=its_namespace, depth=depth - 1))

    def _primitive(self, name: str) -> st.SearchStrategy[Any] | None:
        strategies: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
            "null": st.none,
            "boolean": st.booleans,
            "int": lambda: st.integers(*_INT),
            "long": lambda: st.integers(*_LONG),
            "float": lambda: st.floats(width=32, allow_nan=self.allow_nan),
            "double": lambda: st.floats(allow_nan=self.allow_nan),
            "bytes": lambda: st.binary(max_size=64),
            "string": lambda: st.text(max_size=64),
        }
        make = strategies.get(name)
        return None if make is None else make()

    def _logical(self, schema: dict[str, Any]) -> st.SearchStrategy[Any] | None:
        logical, base = schema.get("logicalType"), schema.get("type")
        if logical == "uuid" and base == "string":
            return st.uuids()
        if logical == "date" and base == "int":
            return st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
        if logical == "time-millis" and base == "int":
            return st.times().map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))
        if logical == "time-micros" and base == "long":
            return st.times()
        if logical in {"timestamp-millis", "timestamp-micros"} and base == "long":
            moments = st.datetimes(_MIN_TIME, _MAX_TIME).map(lambda d: d.replace(tzinfo=dt.UTC))
            if logical == "timestamp-millis":
                return moments.map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
            return moments
        if logical == "decimal" and base in {"bytes", "fixed"}:
            return _decimals(schema)
        return None


def _decimals(schema: dict[str, Any]) -> st.SearchStrategy[decimal.Decimal]:
    precision, scale = int(schema["precision"]), int(schema.get("scale", 0))
    if base_size := schema.get("size"):
        # A fixed of `size` bytes holds at most floor(log10(2**(8*size-1) - 1)) digits.
        precision = min(precision, len(str(2 ** (8 * base_size - 1) - 1)) - 1)
    limit = decimal.Decimal(10) ** (precision - scale) - decimal.Decimal(10) ** -scale
    return st.decimals(
        min_value=-limit, max_value=limit, places=scale, allow_nan=False, allow_infinity=False
    )


def _full_name(schema: dict[str, Any], namespace: str) -> str:
    name = str(schema["name"])
    if "." in name:
        return name
    return f"{schema.get('namespace', namespace)}.{name}".lstrip(".")
