"""The Avro strategy library on its own: every type kind, logical types, bounded recursion."""

from __future__ import annotations

import io
from typing import Any

import fastavro
import pytest
from hypothesis import given, settings

from rooms.testing import from_avro_schema
from rooms.testing.avro_strategies import UnsupportedSchema

EVERYTHING = {
    "type": "record",
    "name": "Everything",
    "namespace": "t",
    "fields": [
        {"name": "n", "type": "null"},
        {"name": "b", "type": "boolean"},
        {"name": "i", "type": "int"},
        {"name": "l", "type": "long"},
        {"name": "f", "type": "float"},
        {"name": "d", "type": "double"},
        {"name": "raw", "type": "bytes"},
        {"name": "s", "type": "string"},
        {"name": "e", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN"]}},
        {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
        {"name": "a", "type": {"type": "array", "items": "int"}},
        {"name": "m", "type": {"type": "map", "values": "Colour"}},
        {"name": "u", "type": ["null", "string", "Four"]},
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "tm", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "tu", "type": {"type": "long", "logicalType": "time-micros"}},
        {"name": "tsm", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "tsu", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {
            "name": "money",
            "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2},
        },
        {
            "name": "fmoney",
            "type": {
                "type": "fixed",
                "name": "Money",
                "size": 5,
                "logicalType": "decimal",
                "precision": 11,
                "scale": 1,
            },
        },
    ],
}

LINKED_LIST = {
    "type": "record",
    "name": "Node",
    "fields": [{"name": "value", "type": "int"}, {"name": "next", "type": ["null", "Node"]}],
}


def round_trip(schema: Any, value: Any) -> Any:
    parsed = fastavro.parse_schema(schema)
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, parsed, value)
    buffer.seek(0)
    return fastavro.schemaless_reader(buffer, parsed)


@settings(max_examples=150)
@given(from_avro_schema(EVERYTHING))
def test_every_kind_of_value_is_valid_and_round_trips(record: dict[str, Any]) -> None:
    assert fastavro.validation.validate(
        record, fastavro.parse_schema(EVERYTHING), raise_errors=True
    )
    assert round_trip(EVERYTHING, record) == record


def depth(node: dict[str, Any] | None) -> int:
    return 0 if node is None else 1 + depth(node["next"])


@settings(max_examples=100)
@given(from_avro_schema(LINKED_LIST, max_depth=4))
def test_recursive_types_stop_at_max_depth(node: dict[str, Any]) -> None:
    assert depth(node) <= 4
    assert round_trip(LINKED_LIST, node) == node


def test_recursion_reaches_past_the_first_level() -> None:
    # Not only the trivial list: deeper ones are generated too.
    deepest = 0

    @settings(max_examples=100, database=None)
    @given(from_avro_schema(LINKED_LIST, max_depth=4))
    def record_depth(node: dict[str, Any]) -> None:
        nonlocal deepest
        deepest = max(deepest, depth(node))

    record_depth()
    assert deepest >= 2


def draw_one(strategy: Any) -> Any:
    drawn: list[Any] = []

    @settings(max_examples=1, database=None)
    @given(strategy)
    def take(value: Any) -> None:
        drawn.append(value)

    take()
    return drawn[0]


def test_recursion_with_no_way_out_is_refused_by_name() -> None:
    endless = {"type": "record", "name": "Loop", "fields": [{"name": "again", "type": "Loop"}]}
    with pytest.raises(UnsupportedSchema, match="Loop"):
        draw_one(from_avro_schema(endless, max_depth=2))


def test_an_undefined_type_is_refused_by_name() -> None:
    with pytest.raises(UnsupportedSchema, match="Mystery"):
        from_avro_schema(
            {"type": "record", "name": "R", "fields": [{"name": "x", "type": "Mystery"}]}
        )


def test_json_text_is_accepted() -> None:
    assert isinstance(draw_one(from_avro_schema('"string"')), str)
    assert isinstance(draw_one(from_avro_schema('{"type": "array", "items": "int"}')), list)
