"""Hypothesis strategies for the values of any Avro schema, logical types included.

    from rooms_events.strategies import from_avro_schema
    @given(from_avro_schema(json.load(open("my.avsc"))))
    def test_round_trip(record): ...

Every value is one fastavro's writer accepts for the schema and reads back equal (the
library's tests check both), in the Python types fastavro's reader returns: uuid.UUID,
datetime.date/time/datetime (UTC-aware for timestamps), decimal.Decimal.

Recursion is bounded per named type: a type may appear at most `max_depth` times on the
path from the root to a value. Deeper, a union takes another branch (usually null) and
an array or map is empty; a recursive type with no such way out is refused with
UnsupportedSchema naming it. Types that merely nest are not cut: a deep schema without
recursion is generated in full.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Callable, Mapping
from typing import Any

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as missing:  # pragma: no cover (depends on what is installed)
    raise ModuleNotFoundError(
        "rooms_events.strategies needs Hypothesis: pip install 'rooms-events[strategies]'"
    ) from missing

__all__ = ["UnsupportedSchema", "from_avro_schema"]

_INT = (-(2**31), 2**31 - 1)
_LONG = (-(2**63), 2**63 - 1)
# Instants the millis/micros encodings hold and Python can represent in UTC: one day in
# from datetime.min/max, so no timezone arithmetic on the way overflows.
_FIRST_INSTANT = dt.datetime(1, 1, 2)
_LAST_INSTANT = dt.datetime(9999, 12, 30)
_NAMED_KINDS = {"record", "error", "enum", "fixed"}


class UnsupportedSchema(ValueError):
    """The schema is not one this module can generate values for; the message says where."""


def from_avro_schema(
    schema: Any,
    *,
    max_depth: int = 2,
    max_items: int = 4,
    max_text: int = 64,
    allow_nan: bool = False,
) -> st.SearchStrategy[Any]:
    """Values of `schema`: Avro JSON text, a parsed JSON document, or fastavro's parsed form.

    max_depth: how often one named type may recur on a path (1 = no recursion followed).
    max_items: the most elements of an array or entries of a map.
    max_text: the most characters of a string, bytes of a `bytes`.
    allow_nan: NaN never equals itself, so round-trip tests keep the default False.
    """
    if max_depth < 1:
        raise ValueError(f"max_depth must be at least 1, got {max_depth}")
    document = json.loads(schema) if isinstance(schema, str | bytes) else schema
    if isinstance(document, str):  # a bare primitive name like "string"
        document = {"type": document}
    builder = _Builder(max_depth, max_items, max_text, allow_nan)
    strategy = builder.build(document, namespace="", path=())
    if strategy is None:
        raise UnsupportedSchema(
            f"{builder.no_way_out or 'the schema'} recurses with no null, array or map to stop at"
        )
    return strategy


class _Builder:
    """Walks a schema in document order, defining named types as Avro does: before use."""

    def __init__(self, max_depth: int, max_items: int, max_text: int, allow_nan: bool) -> None:
        self.max_depth = max_depth
        self.max_items = max_items
        self.max_text = max_text
        self.allow_nan = allow_nan
        self.named: dict[str, tuple[Mapping[str, Any], str]] = {}  # full name -> (schema, ns)
        self.no_way_out: str | None = None

    # `path` holds the full names of the named types being built above this node; None
    # means "nothing can be generated here" and makes the enclosing union, array or map
    # take its way out.
    def build(
        self, schema: Any, *, namespace: str, path: tuple[str, ...]
    ) -> st.SearchStrategy[Any] | None:
        if isinstance(schema, list):
            return self._union(schema, namespace, path)
        if isinstance(schema, str):
            return self._by_name(schema, namespace, path)
        if not isinstance(schema, Mapping):
            raise UnsupportedSchema(f"not an Avro schema: {schema!r}")
        kind = schema.get("type")
        if isinstance(kind, list | Mapping):  # {"type": {"type": "array", ...}}
            return self.build(kind, namespace=namespace, path=path)
        if not isinstance(kind, str):
            raise UnsupportedSchema(f"no type in {schema!r}")
        logical = self._logical(schema, kind)
        if logical is not None:
            if kind == "fixed":  # still a named type others may refer to
                self._define(schema, namespace)
            return logical
        if kind in _NAMED_KINDS:
            full = self._define(schema, namespace)
            return self._named(full, path)
        if kind == "array":
            items = self.build(schema["items"], namespace=namespace, path=path)
            if items is None:
                return st.just([])
            return st.lists(items, max_size=self.max_items)
        if kind == "map":
            values = self.build(schema["values"], namespace=namespace, path=path)
            if values is None:
                return st.just({})
            return st.dictionaries(st.text(max_size=8), values, max_size=self.max_items)
        return self._by_name(kind, namespace, path)

    def _define(self, schema: Mapping[str, Any], namespace: str) -> str:
        name = str(schema["name"])
        full = name if "." in name else f"{schema.get('namespace', namespace)}.{name}".lstrip(".")
        self.named[full] = (schema, full.rpartition(".")[0])
        return full

    def _named(self, full: str, path: tuple[str, ...]) -> st.SearchStrategy[Any] | None:
        schema, namespace = self.named[full]
        kind = schema["type"]
        if kind == "enum":
            return st.sampled_from(list(schema["symbols"]))
        if kind == "fixed":
            return st.binary(min_size=int(schema["size"]), max_size=int(schema["size"]))
        if path.count(full) >= self.max_depth:
            self.no_way_out = self.no_way_out or full
            return None
        inner = (*path, full)
        fields: dict[str, st.SearchStrategy[Any]] = {}
        for field in schema.get("fields", []):
            value = self.build(field["type"], namespace=namespace, path=inner)
            if value is None:
                return None
            fields[str(field["name"])] = value
        return st.fixed_dictionaries(fields)

    def _union(
        self, branches: list[Any], namespace: str, path: tuple[str, ...]
    ) -> st.SearchStrategy[Any] | None:
        built = [self.build(branch, namespace=namespace, path=path) for branch in branches]
        usable = [strategy for strategy in built if strategy is not None]
        return st.one_of(usable) if usable else None

    def _by_name(
        self, name: str, namespace: str, path: tuple[str, ...]
    ) -> st.SearchStrategy[Any] | None:
        primitive = self._primitive(name)
        if primitive is not None:
            return primitive
        # An unqualified name means the one in the enclosing namespace (the spec's rule;
        # fastavro looks nowhere else either).
        full = name if "." in name else f"{namespace}.{name}".lstrip(".")
        if full in self.named:
            return self._named(full, path)
        raise UnsupportedSchema(f"type {name!r} is used before it is defined, or never is")

    def _primitive(self, name: str) -> st.SearchStrategy[Any] | None:
        strategies: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
            "null": st.none,
            "boolean": st.booleans,
            "int": lambda: st.integers(*_INT),
            "long": lambda: st.integers(*_LONG),
            "float": lambda: st.floats(width=32, allow_nan=self.allow_nan),
            "double": lambda: st.floats(allow_nan=self.allow_nan),
            "bytes": lambda: st.binary(max_size=self.max_text),
            "string": lambda: st.text(max_size=self.max_text),
        }
        make = strategies.get(name)
        return None if make is None else make()

    def _logical(self, schema: Mapping[str, Any], base: str) -> st.SearchStrategy[Any] | None:
        """The logical type's values, or None to generate the base type (as Avro readers do
        with a logical type they do not know or that does not fit its base)."""
        logical = schema.get("logicalType")
        if logical == "uuid" and base == "string":
            return st.uuids()
        if logical == "date" and base == "int":
            return st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
        if logical == "time-millis" and base == "int":
            return st.times().map(_to_millis)
        if logical == "time-micros" and base == "long":
            return st.times()
        if logical in {"timestamp-millis", "timestamp-micros"} and base == "long":
            instants = st.datetimes(_FIRST_INSTANT, _LAST_INSTANT, timezones=st.just(dt.UTC))
            return instants.map(_to_millis) if logical == "timestamp-millis" else instants
        if logical in {"local-timestamp-millis", "local-timestamp-micros"} and base == "long":
            naive = st.datetimes(_FIRST_INSTANT, _LAST_INSTANT)
            return naive.map(_to_millis) if logical == "local-timestamp-millis" else naive
        if logical == "decimal" and base in {"bytes", "fixed"}:
            return _decimals(schema)
        return None


def _to_millis(value: Any) -> Any:
    """The value as a millisecond encoding keeps it (a time or a datetime)."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _decimals(schema: Mapping[str, Any]) -> st.SearchStrategy[decimal.Decimal]:
    precision, scale = int(schema["precision"]), int(schema.get("scale", 0))
    if "size" in schema:
        # A fixed of `size` bytes holds a two's complement number of at most
        # len(str(2**(8*size-1) - 1)) - 1 digits whatever they are.
        precision = min(precision, len(str(2 ** (8 * int(schema["size"]) - 1) - 1)) - 1)
    unit = decimal.Decimal(10) ** -scale
    limit = decimal.Decimal(10) ** (precision - scale) - unit
    return st.decimals(
        min_value=-limit, max_value=limit, places=scale, allow_nan=False, allow_infinity=False
    )
