"""Seeded random values for an Avro schema: `dynamic` events for consumers' tests.

fastavro's `generate_many` draws from the global `random` (no seed of its own); this draws
from a `random.Random` the caller seeds, so the same seed gives the same events. Values
stay plausible (UUIDs are UUIDs, timestamps are this century) and always valid for the
schema: the codec encodes them, or the caller hears why.
"""

from __future__ import annotations

import random
import string
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


class AvroValues:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._named: dict[str, Any] = {}

    def draw(self, schema: Any) -> Any:
        """A value of `schema`; named types are learnt first, wherever the schema defines them."""
        self._learn(schema, "")
        return self.value(schema)

    def _learn(self, schema: Any, namespace: str) -> None:
        if isinstance(schema, list):
            for branch in schema:
                self._learn(branch, namespace)
        elif isinstance(schema, dict):
            if schema.get("type") in ("record", "enum", "fixed"):
                namespace = schema.get("namespace", namespace)
                name = schema["name"]
                self._named[name if "." in name else f"{namespace}.{name}".lstrip(".")] = schema
            for field in schema.get("fields", ()):
                self._learn(field["type"], namespace)
            for key in ("items", "values"):
                if key in schema:
                    self._learn(schema[key], namespace)

    def value(self, schema: Any, namespace: str = "") -> Any:
        if isinstance(schema, str):
            if schema in _PRIMITIVES:
                return self._primitive(schema)
            named = self._named.get(schema) or self._named.get(f"{namespace}.{schema}")
            if named is None:
                raise ValueError(f"unknown Avro type {schema!r}")
            return self.value(named, namespace)
        if isinstance(schema, list):  # a union
            return self.value(self._rng.choice(schema), namespace)
        kind = schema["type"]
        if kind in ("record", "enum", "fixed"):
            namespace = schema.get("namespace", namespace)
            name = schema["name"]
            full = name if "." in name else f"{namespace}.{name}".lstrip(".")
            self._named[full] = schema
        logical = schema.get("logicalType")
        if logical == "uuid":
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        if logical in ("timestamp-millis", "timestamp-micros"):
            moment = _EPOCH + timedelta(milliseconds=self._rng.randrange(10 * 365 * 86_400_000))
            return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        if kind == "record":
            return {
                field["name"]: self.value(field["type"], namespace) for field in schema["fields"]
            }
        if kind == "enum":
            return self._rng.choice(schema["symbols"])
        if kind == "array":
            return [self.value(schema["items"], namespace) for _ in range(self._rng.randrange(4))]
        if kind == "map":
            return {
                self._text(6): self.value(schema["values"], namespace)
                for _ in range(self._rng.randrange(3))
            }
        if kind == "fixed":
            return self._rng.randbytes(schema["size"])
        return self.value(kind, namespace)

    def _primitive(self, kind: str) -> Any:
        rng = self._rng
        if kind == "null":
            return None
        if kind == "boolean":
            return rng.random() < 0.5
        if kind in ("int", "long"):
            return rng.randrange(1, 100_000)
        if kind in ("float", "double"):
            return round(rng.uniform(-90, 90), 6)
        if kind == "bytes":
            return rng.randbytes(rng.randrange(16))
        return self._text(rng.randrange(1, 24))

    def _text(self, length: int) -> str:
        return (
            "".join(self._rng.choice(string.ascii_letters + " ") for _ in range(length)).strip()
            or "x"
        )
