"""rooms.compat.avro_evolution on small schemas: each rule, each mode, where failures land."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from rooms.compat.avro_evolution import MODES, check_history, check_pair, incompatibilities

V1: dict[str, Any] = {
    "type": "record",
    "name": "Booking",
    "namespace": "t",
    "fields": [
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "nights", "type": "int"},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]}},
        {
            "name": "guest",
            "type": [
                "null",
                {
                    "type": "record",
                    "name": "Guest",
                    "fields": [{"name": "name", "type": "string"}],
                },
            ],
            "default": None,
        },
        {"name": "stays", "type": {"type": "array", "items": "Guest"}},
    ],
}


def changed(edit: Any) -> dict[str, Any]:
    schema = copy.deepcopy(V1)
    edit(schema)
    return schema


def field(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in schema["fields"] if f["name"] == name)


def add_required(schema: dict[str, Any]) -> None:
    schema["fields"].append({"name": "rooms", "type": "int"})


def add_optional(schema: dict[str, Any]) -> None:
    schema["fields"].append({"name": "note", "type": ["null", "string"], "default": None})


def drop_nights(schema: dict[str, Any]) -> None:
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "nights"]


def found(earlier: Any, new: Any, mode: str) -> set[tuple[str, str, str]]:
    return {(f.direction, f.field, f.rule) for f in check_pair(earlier, new, mode)}


def test_a_schema_is_compatible_with_itself_in_every_mode() -> None:
    for mode in MODES:
        assert check_pair(V1, copy.deepcopy(V1), mode) == []


@pytest.mark.parametrize(
    ("edit", "mode", "expected"),
    [
        # A field added without default: new readers cannot read old data.
        (add_required, "BACKWARD", {("backward", "rooms", "READER_FIELD_MISSING_DEFAULT_VALUE")}),
        (add_required, "FORWARD", set()),
        # A field removed that had no default: old readers cannot read new data.
        (drop_nights, "BACKWARD", set()),
        (drop_nights, "FORWARD", {("forward", "nights", "READER_FIELD_MISSING_DEFAULT_VALUE")}),
        # An optional field with a default is fine every way.
        (add_optional, "FULL", set()),
        (add_required, "NONE", set()),
    ],
)
def test_each_mode_checks_its_directions(edit: Any, mode: str, expected: set[Any]) -> None:
    assert found(V1, changed(edit), mode) == expected


def test_full_reports_both_directions() -> None:
    def nights_to_string(schema: dict[str, Any]) -> None:
        field(schema, "nights")["type"] = "string"

    assert found(V1, changed(nights_to_string), "FULL") == {
        ("backward", "nights", "TYPE_MISMATCH"),
        ("forward", "nights", "TYPE_MISMATCH"),
    }


def test_promotions_follow_apache_avro() -> None:
    def nights_to_long(schema: dict[str, Any]) -> None:
        field(schema, "nights")["type"] = "long"

    # A long reads an int; an int cannot read a long.
    assert found(V1, changed(nights_to_long), "FULL") == {("forward", "nights", "TYPE_MISMATCH")}


def test_failures_inside_unions_arrays_and_enums_name_the_field() -> None:
    def nested(schema: dict[str, Any]) -> None:
        guest = field(schema, "guest")["type"][1]
        guest["fields"].append({"name": "email", "type": "string"})
        field(schema, "status")["type"]["symbols"].append("CANCELLED")

    assert found(V1, changed(nested), "FULL") == {
        ("backward", "guest.email", "READER_FIELD_MISSING_DEFAULT_VALUE"),
        ("backward", "stays[].email", "READER_FIELD_MISSING_DEFAULT_VALUE"),
        ("forward", "status", "MISSING_ENUM_SYMBOLS"),
    }


def test_a_union_losing_a_branch() -> None:
    def guest_required(schema: dict[str, Any]) -> None:
        guest = field(schema, "guest")
        guest["type"] = guest["type"][1]
        del guest["default"]

    assert found(V1, changed(guest_required), "BACKWARD") == {
        ("backward", "guest", "TYPE_MISMATCH")
    }
    assert found(V1, changed(guest_required), "FORWARD") == set()


def test_a_logical_type_change_is_caught_though_apache_avro_passes_it() -> None:
    def id_plain_string(schema: dict[str, Any]) -> None:
        del field(schema, "id")["type"]["logicalType"]

    failures = check_pair(V1, changed(id_plain_string), "BACKWARD")
    assert [(f.field, f.rule) for f in failures] == [("id", "LOGICAL_TYPE_MISMATCH")]
    assert "uuid" in failures[0].message


def test_the_message_names_schema_versions_field_rule_and_reader() -> None:
    (failure,) = check_pair(
        V1, changed(add_required), "BACKWARD", earlier_label="v1", new_label="v2"
    )
    assert str(failure) == (
        "t.Booking v2 breaks BACKWARD against v1 at field rooms: "
        "READER_FIELD_MISSING_DEFAULT_VALUE: the reader needs 'rooms', which has no default, "
        "and the writer's t.Booking does not write it (v2 reading data written with v1)"
    )
    # The sentences `rooms contracts diff` reports, which labels the versions itself.
    assert incompatibilities(V1, changed(add_required), "BACKWARD") == [
        str(f) for f in check_pair(V1, changed(add_required), "BACKWARD")
    ]


def test_history_checks_the_last_version_or_all_of_them() -> None:
    v2 = changed(drop_nights)  # FORWARD-breaking against v1
    v3 = copy.deepcopy(v2)  # identical to v2
    history = [("v1", V1), ("v2", v2), ("v3", v3)]
    assert {(f.earlier, f.new) for f in check_history(history, "FORWARD")} == {("v1", "v2")}
    assert {(f.earlier, f.new) for f in check_history(history, "FORWARD_TRANSITIVE")} == {
        ("v1", "v2"),
        ("v1", "v3"),
    }


def test_recursive_schemas_are_checked_without_looping() -> None:
    node = {
        "type": "record",
        "name": "Node",
        "fields": [{"name": "next", "type": ["null", "Node"], "default": None}],
    }
    grown = copy.deepcopy(node)
    grown["fields"].append({"name": "value", "type": "int"})
    assert found(node, grown, "BACKWARD") == {
        ("backward", "value", "READER_FIELD_MISSING_DEFAULT_VALUE")
    }


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="unknown compatibility mode 'SIDEWAYS'"):
        check_pair(V1, V1, "SIDEWAYS")
    with pytest.raises(ValueError, match="v9: not a valid Avro schema"):
        check_pair(V1, {"type": "record", "name": "X"}, "FULL", new_label="v9")
