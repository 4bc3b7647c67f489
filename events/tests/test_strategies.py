"""The Avro strategy library on its own: every type kind, logical types, bounded recursion.

Every generated value must pass fastavro's validation and come back equal from fastavro's
schemaless writer and reader; each kind of type must actually be generated (a union's
every branch, a recursion's every depth), and what cannot be generated is refused by name.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import fastavro
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from profiles import chosen

from rooms_events.strategies import UnsupportedSchema, from_avro_schema

EVERYTHING: dict[str, Any] = {
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
        {"name": "fd", "type": ["float", "double"]},
        {
            "name": "inner",
            "type": {
                "type": "record",
                "name": "Inner",
                "namespace": "other",
                "fields": [{"name": "x", "type": "t.Four"}],
            },
        },
        {"name": "again", "type": "other.Inner"},
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "tm", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "tu", "type": {"type": "long", "logicalType": "time-micros"}},
        {"name": "tsm", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "tsu", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "ltm", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
        {"name": "ltu", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
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
                "precision": 11,  # the most 5 bytes hold
                "scale": 1,
            },
        },
        {"name": "unknown_logical", "type": {"type": "string", "logicalType": "colour-name"}},
    ],
}

LINKED_LIST: dict[str, Any] = {
    "type": "record",
    "name": "Node",
    "fields": [{"name": "value", "type": "int"}, {"name": "next", "type": ["null", "Node"]}],
}

TREE: dict[str, Any] = {
    "type": "record",
    "name": "Tree",
    "fields": [
        {"name": "label", "type": "string"},
        {"name": "children", "type": {"type": "array", "items": "Tree"}},
        {"name": "by_name", "type": {"type": "map", "values": "Tree"}},
    ],
}

# A and B refer to each other: the bound holds per type along the path.
MUTUAL: dict[str, Any] = {
    "type": "record",
    "name": "A",
    "fields": [
        {
            "name": "b",
            "type": [
                "null",
                {"type": "record", "name": "B", "fields": [{"name": "a", "type": ["null", "A"]}]},
            ],
        }
    ],
}


def nested(levels: int) -> dict[str, Any]:
    """Records nested `levels` deep, an array of ints at the bottom: no recursion at all."""
    schema: dict[str, Any] = {"type": "array", "items": "int"}
    for level in range(levels):
        schema = {"type": "record", "name": f"L{level}", "fields": [{"name": "x", "type": schema}]}
    return schema


def round_trip(schema: Any, value: Any) -> Any:
    parsed = fastavro.parse_schema(schema)
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, parsed, value)
    buffer.seek(0)
    return fastavro.schemaless_reader(buffer, parsed)


def assert_valid_and_round_trips(schema: Any, value: Any) -> None:
    assert fastavro.validation.validate(value, fastavro.parse_schema(schema), raise_errors=True)
    assert round_trip(schema, value) == value


def draws(strategy: st.SearchStrategy[Any], count: int = 200) -> list[Any]:
    """`count` values of `strategy`, deterministically (derandomized)."""
    drawn: list[Any] = []

    @settings(chosen(), max_examples=count)  # what the caller's check needs, in any profile
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


@chosen(min_examples=150)
@given(from_avro_schema(EVERYTHING))
def test_every_kind_of_value_is_valid_and_round_trips(record: dict[str, Any]) -> None:
    assert_valid_and_round_trips(EVERYTHING, record)


EXPECTED_TYPES: dict[str, type | tuple[type, ...]] = {
    "n": type(None),
    "b": bool,
    "i": int,
    "l": int,
    "f": float,
    "d": float,
    "raw": bytes,
    "s": str,
    "e": str,
    "fx": bytes,
    "a": list,
    "m": dict,
    "u": (type(None), str, bytes),
    "fd": float,
    "inner": dict,
    "again": dict,
    "id": uuid.UUID,
    "day": dt.date,
    "tm": dt.time,
    "tu": dt.time,
    "tsm": dt.datetime,
    "tsu": dt.datetime,
    "ltm": dt.datetime,
    "ltu": dt.datetime,
    "money": decimal.Decimal,
    "fmoney": decimal.Decimal,
    "unknown_logical": str,
}


def test_each_field_gets_the_python_type_fastavro_reads() -> None:
    assert set(EXPECTED_TYPES) == {field["name"] for field in EVERYTHING["fields"]}
    for record in draws(from_avro_schema(EVERYTHING), 50):
        for name, expected in EXPECTED_TYPES.items():
            assert isinstance(record[name], expected), (name, record[name])
        # Timestamps are instants in UTC, local timestamps are wall-clock times.
        assert record["tsm"].tzinfo is dt.UTC
        assert record["ltm"].tzinfo is None
        assert record["tsm"].microsecond % 1000 == 0
        assert record["tm"].microsecond % 1000 == 0


def test_every_branch_of_a_union_and_every_symbol_is_generated() -> None:
    records = draws(from_avro_schema(EVERYTHING))
    assert {type(record["u"]) for record in records} == {type(None), str, bytes}
    assert {record["e"] for record in records} == {"RED", "GREEN"}
    assert any(record["a"] for record in records), "arrays are never filled"
    assert any(record["m"] for record in records), "maps are never filled"


def test_fixed_decimals_reach_the_largest_the_bytes_hold() -> None:
    # 5 bytes hold 39 bits and a sign, 11 digits whatever they are; with scale 1, < 10**10.
    largest = max(abs(record["fmoney"]) for record in draws(from_avro_schema(EVERYTHING)))
    assert largest <= decimal.Decimal("9999999999.9")
    assert_valid_and_round_trips(EVERYTHING["fields"][-2]["type"], decimal.Decimal("9999999999.9"))


def linked_list_length(node: dict[str, Any] | None) -> int:
    return 0 if node is None else 1 + linked_list_length(node["next"])


def tree_depth(node: dict[str, Any]) -> int:
    below = [*node["children"], *node["by_name"].values()]
    return 1 + max((tree_depth(child) for child in below), default=0)


def mutual_depth(node: dict[str, Any] | None) -> int:
    """How many A records are on the deepest path."""
    if node is None or node["b"] is None:
        return 0 if node is None else 1
    return 1 + mutual_depth(node["b"]["a"])


@pytest.mark.parametrize(
    ("schema", "depth_of"),
    [(LINKED_LIST, linked_list_length), (TREE, tree_depth), (MUTUAL, mutual_depth)],
    ids=["union-with-null", "array-and-map", "mutual"],
)
@pytest.mark.parametrize("max_depth", [1, 3])
def test_recursion_is_bounded_and_reaches_the_bound(
    schema: dict[str, Any], depth_of: Callable[[Any], int], max_depth: int
) -> None:
    values = draws(from_avro_schema(schema, max_depth=max_depth))
    depths = Counter(depth_of(value) for value in values)
    assert max(depths) == max_depth, f"depths seen: {dict(depths)}"
    for value in values:
        assert_valid_and_round_trips(schema, value)


def test_nesting_without_recursion_is_not_cut() -> None:
    schema = nested(8)
    values = draws(from_avro_schema(schema, max_depth=1), 50)

    def bottom(value: Any) -> list[int]:
        while isinstance(value, dict):
            value = value["x"]
        return list(value)

    assert any(bottom(value) for value in values), "the innermost array is always empty"
    for value in values:
        assert_valid_and_round_trips(schema, value)


def test_recursion_with_no_way_out_is_refused_by_name() -> None:
    endless = {"type": "record", "name": "Loop", "fields": [{"name": "again", "type": "Loop"}]}
    with pytest.raises(UnsupportedSchema, match="Loop"):
        from_avro_schema(endless)


def test_an_undefined_type_is_refused_by_name() -> None:
    with pytest.raises(UnsupportedSchema, match="Mystery"):
        from_avro_schema(
            {"type": "record", "name": "R", "fields": [{"name": "x", "type": "Mystery"}]}
        )


def test_a_depth_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="max_depth"):
        from_avro_schema(LINKED_LIST, max_depth=0)


def test_an_unqualified_name_resolves_in_the_enclosing_namespace() -> None:
    schema = {
        "type": "record",
        "name": "Outer",
        "namespace": "ns",
        "fields": [
            {"name": "a", "type": {"type": "enum", "name": "Side", "symbols": ["L", "R"]}},
            {"name": "b", "type": "Side"},  # ns.Side
            {
                "name": "c",
                "type": {"type": "fixed", "name": "Pair", "namespace": "elsewhere", "size": 2},
            },
            {"name": "d", "type": "elsewhere.Pair"},
        ],
    }
    for value in draws(from_avro_schema(schema), 20):
        assert value["b"] in {"L", "R"}
        assert len(value["d"]) == 2
        assert_valid_and_round_trips(schema, value)
    with pytest.raises(UnsupportedSchema, match="Pair"):
        from_avro_schema({**schema, "fields": [*schema["fields"], {"name": "e", "type": "Pair"}]})


def test_json_text_and_fastavro_parsed_schemas_are_accepted() -> None:
    assert all(isinstance(value, str) for value in draws(from_avro_schema('"string"'), 5))
    assert all(
        isinstance(value, list)
        for value in draws(from_avro_schema('{"type": "array", "items": "int"}'), 5)
    )
    parsed = fastavro.parse_schema(EVERYTHING)
    for value in draws(from_avro_schema(parsed), 20):
        assert_valid_and_round_trips(EVERYTHING, value)
