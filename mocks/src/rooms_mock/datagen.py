"""Data drawn from an OpenAPI 3.0 schema with a seeded generator: same seed, same data.

Hand-written rather than hypothesis-jsonschema: a mock answers in microseconds and must draw
one value per request from a given seed, where Hypothesis searches over many. The draw aims at
the schema; the engine validates every drawn body and draws again in the rare case it misses.
"""

from __future__ import annotations

import base64
import random
import string
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from rooms_mock.regex_strings import string_matching
from rooms_mock.schemas import Direction
from rooms_mock.spec import RefResolver

_WORDS = tuple(
    [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliett",
        "kilo",
        "lima",
        "mike",
        "november",
        "oscar",
        "papa",
        "quebec",
        "romeo",
        "sierra",
        "tango",
        "uniform",
        "victor",
        "whiskey",
        "xray",
        "yankee",
        "zulu",
    ]
)
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
_MAX_DEPTH = 8


class DataGenerator:
    """Draws instances of schemas of one document, for requests or responses."""

    def __init__(self, resolver: RefResolver, direction: Direction = "response") -> None:
        self._resolver = resolver
        self._direction = direction

    def merged(self, schema: Any) -> dict[str, Any]:
        """The schema with `$ref`s followed and `allOf` folded into one set of keywords."""
        schema = self._resolver.resolve(schema)
        if not isinstance(schema, dict):
            return {}
        if "allOf" not in schema:
            return schema
        result: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            sub = self.merged(part)
            for key, value in sub.items():
                if key == "properties":
                    result["properties"] = {**result.get("properties", {}), **value}
                elif key == "required":
                    result["required"] = sorted({*result.get("required", []), *value})
                else:
                    result.setdefault(key, value)
        return result

    def draw(self, schema: Any, rng: random.Random, depth: int = 0) -> Any:
        schema = self.merged(schema)
        if schema.get("nullable") is True and rng.random() < 0.1:
            return None
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return rng.choice(schema["enum"])
        for combinator in ("oneOf", "anyOf"):
            if isinstance(schema.get(combinator), list) and schema[combinator]:
                return self.draw(rng.choice(schema[combinator]), rng, depth + 1)
        kind = schema.get("type")
        if isinstance(kind, list):  # OpenAPI 3.1 / draft 4: any of several types
            kind = rng.choice(kind) if kind else None
        if kind is None:
            kind = (
                "object"
                if "properties" in schema or "additionalProperties" in schema
                else "array"
                if "items" in schema
                else "string"
            )
        if kind == "object":
            return self._object(schema, rng, depth)
        if kind == "array":
            return self._array(schema, rng, depth)
        if kind == "integer":
            return self._integer(schema, rng)
        if kind == "number":
            return self._number(schema, rng)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "null":
            return None
        return self._string(schema, rng)

    def _skipped(self, schema: Any) -> bool:
        resolved = self._resolver.resolve(schema)
        flag = "readOnly" if self._direction == "request" else "writeOnly"
        return isinstance(resolved, dict) and resolved.get(flag) is True

    def _object(self, schema: dict[str, Any], rng: random.Random, depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        result: dict[str, Any] = {}
        optional: list[str] = []
        for name, member in properties.items():
            if self._skipped(member):
                continue
            if name in required:
                result[name] = self.draw(member, rng, depth + 1)
            else:
                optional.append(name)
        deep = depth >= _MAX_DEPTH
        minimum = int(schema.get("minProperties", 0))
        maximum = int(schema.get("maxProperties", len(properties) + 3))
        for name in optional:
            if len(result) >= maximum:
                break
            if (not deep and rng.random() < 0.7) or len(result) < minimum:
                result[name] = self.draw(properties[name], rng, depth + 1)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            count = 0 if deep else rng.randint(0, 2)
            while (count > 0 or len(result) < minimum) and len(result) < maximum:
                key = self._word(rng)
                if key not in result:
                    result[key] = self.draw(extra, rng, depth + 1)
                    count -= 1
        return result

    def _array(self, schema: dict[str, Any], rng: random.Random, depth: int) -> list[Any]:
        low = int(schema.get("minItems", 0))
        high = int(schema.get("maxItems", low + 3))
        size = low if depth >= _MAX_DEPTH else rng.randint(low, max(low, min(high, low + 3)))
        items = schema.get("items", {})
        result: list[Any] = []
        attempts = 0
        while len(result) < size and attempts < size * 10 + 10:
            attempts += 1
            value = self.draw(items, rng, depth + 1)
            if schema.get("uniqueItems") and value in result:
                continue
            result.append(value)
        return result

    @staticmethod
    def _bounds(schema: dict[str, Any], step: float) -> tuple[float, float]:
        low = schema.get("minimum")
        high = schema.get("maximum")
        if low is not None and schema.get("exclusiveMinimum") is True:
            low += step
        if high is not None and schema.get("exclusiveMaximum") is True:
            high -= step
        if low is None:
            low = 0 if high is None or high >= 0 else high - 1000
        if high is None:
            high = low + 10000
        # Big ranges (a Money up to 10^12) give readable figures near their low end.
        return low, min(high, low + 1_000_000)

    def _integer(self, schema: dict[str, Any], rng: random.Random) -> int:
        low, high = self._bounds(schema, 1)
        low_i, high_i = int(-(-low // 1)), int(high // 1)
        multiple = schema.get("multipleOf")
        if isinstance(multiple, int) and multiple > 0:
            first = -(-low_i // multiple)
            last = high_i // multiple
            return rng.randint(first, max(first, last)) * multiple
        return rng.randint(low_i, max(low_i, high_i))

    def _number(self, schema: dict[str, Any], rng: random.Random) -> float | int:
        low, high = self._bounds(schema, 1e-4)
        multiple = schema.get("multipleOf")
        if isinstance(multiple, int | float) and multiple > 0:
            return float(round(rng.uniform(low, high) / multiple) * multiple)
        return round(rng.uniform(low, high), 4)

    @staticmethod
    def _word(rng: random.Random) -> str:
        return rng.choice(_WORDS)

    def _string(self, schema: dict[str, Any], rng: random.Random) -> str:
        low = int(schema.get("minLength", 0))
        high = int(schema.get("maxLength", max(low, 24)))
        pattern = schema.get("pattern")
        by_format = _FORMATS.get(str(schema.get("format", "")))
        if by_format is not None:
            return str(by_format(rng))
        if isinstance(pattern, str):
            for _ in range(5):
                drawn = string_matching(pattern, rng)
                if drawn is not None and low <= len(drawn) <= high:
                    return drawn
        size = rng.randint(low, max(low, min(high, low + 24)))
        text = " ".join(self._word(rng) for _ in range(size // 4 + 1))
        if len(text) < size:
            text += "".join(rng.choice(string.ascii_lowercase) for _ in range(size - len(text)))
        return text[:size]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _datetime(rng: random.Random) -> datetime:
    return _EPOCH + timedelta(seconds=rng.randint(0, 3 * 365 * 86400))


_FORMATS: dict[str, Any] = {
    "uuid": _uuid,
    "date-time": lambda rng: _datetime(rng).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    "date": lambda rng: _datetime(rng).strftime("%Y-%m-%d"),
    "time": lambda rng: _datetime(rng).strftime("%H:%M:%SZ"),
    "email": lambda rng: f"{rng.choice(_WORDS)}@{rng.choice(_WORDS)}.example",
    "uri": lambda rng: f"https://{rng.choice(_WORDS)}.example/{rng.choice(_WORDS)}",
    "url": lambda rng: f"https://{rng.choice(_WORDS)}.example/{rng.choice(_WORDS)}",
    "hostname": lambda rng: f"{rng.choice(_WORDS)}.example",
    "ipv4": lambda rng: ".".join(str(rng.randint(1, 254)) for _ in range(4)),
    "ipv6": lambda rng: ":".join(f"{rng.getrandbits(16):x}" for _ in range(8)),
    "byte": lambda rng: base64.b64encode(rng.randbytes(rng.randint(1, 12))).decode(),
}
