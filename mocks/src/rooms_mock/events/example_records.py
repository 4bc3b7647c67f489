"""An AsyncAPI example's payload (the Avro record as JSON) as the record fastavro writes.

JSON has no timestamps: the examples write them as RFC 3339 text, which this turns into
datetimes where the schema says timestamp-millis; everything else is already what
fastavro takes (uuids as text, enums as symbols, records as objects).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def record_from_json(schema: Any, value: Any) -> Any:
    """`value` read against `schema` (self-contained, named types inline)."""
    return _Reader().read(schema, value)


class _Reader:
    def __init__(self) -> None:
        self._named: dict[str, Any] = {}

    def read(self, schema: Any, value: Any) -> Any:
        if isinstance(schema, str):
            named = self._named.get(schema) or self._named.get(schema.rsplit(".", 1)[-1])
            return value if named is None else self.read(named, value)
        if isinstance(schema, list):  # a union: null, or the first branch that reads it
            if value is None:
                return None
            branches = [branch for branch in schema if branch != "null"]
            return self.read(branches[0], value) if len(branches) == 1 else value
        kind = schema.get("type")
        if kind in ("record", "enum", "fixed"):
            self._named[schema["name"]] = schema
            self._named[schema["name"].rsplit(".", 1)[-1]] = schema
        if schema.get("logicalType") in ("timestamp-millis", "timestamp-micros") and isinstance(
            value, str
        ):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if kind == "record" and isinstance(value, dict):
            return {
                field["name"]: self.read(
                    field["type"], value.get(field["name"], field.get("default"))
                )
                for field in schema["fields"]
            }
        if kind == "array" and isinstance(value, list):
            return [self.read(schema["items"], item) for item in value]
        if kind == "map" and isinstance(value, dict):
            return {key: self.read(schema["values"], item) for key, item in value.items()}
        if isinstance(kind, dict | list):
            return self.read(kind, value)
        return value
