"""Avro modes as Confluent's registry applies them, through histories where the answers differ.

BACKWARD, FORWARD and FULL compare a new version with the latest earlier one only; their
_TRANSITIVE forms with every earlier one; NONE with none. Each history below has a v3 that
its v2 accepts and its v1 does not, judged by the real checker (Apache avro's rules).
"""

from __future__ import annotations

from typing import Any

import pytest

from rooms.compat.avro_contracts_diff import StoredVersion, diff_avro_versions
from rooms.compat.avro_evolution import incompatibilities

SUBJECT = "rooms.events.Probe"


def record(*fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": "record", "name": "Probe", "namespace": "rooms.events", "fields": list(fields)}


# BACKWARD: v2 drops f (a v2 reader ignores it); v3 brings f back as a string with a default:
# it reads v2's data (default) but not v1's (an int is no string).
BACKWARD_HISTORY = [
    record({"name": "f", "type": "int"}),
    record(),
    record({"name": "f", "type": "string", "default": ""}),
]
# FORWARD and FULL: v2 gives f a default; v3 drops f: v2 reads v3's data (default), v1 cannot
# (it needs f and has no default). Each step reads the one before it too, so FULL holds pairwise.
FORWARD_HISTORY = [
    record({"name": "f", "type": "int"}),
    record({"name": "f", "type": "int", "default": 0}),
    record(),
]


def verdict(history: list[dict[str, Any]], mode: str) -> list[str]:
    """The locations of the breaking changes when v3 is proposed on top of v1 and v2."""
    versions = [StoredVersion(SUBJECT, n, mode, schema) for n, schema in enumerate(history, 1)]
    changes = diff_avro_versions(versions[:2], versions, incompatibilities)
    return sorted(change.location for change in changes if change.severity == "breaking")


@pytest.mark.parametrize(
    ("history", "mode"),
    [
        (BACKWARD_HISTORY, "BACKWARD"),
        (FORWARD_HISTORY, "FORWARD"),
        (FORWARD_HISTORY, "FULL"),
    ],
)
def test_a_non_transitive_mode_compares_with_the_latest_earlier_version_only(
    history: list[dict[str, Any]], mode: str
) -> None:
    assert verdict(history, mode) == []
    assert verdict(history, f"{mode}_TRANSITIVE") == [f"{SUBJECT} v3 against v1"]


def test_the_histories_really_break_v1_so_the_passes_above_mean_something() -> None:
    for history, mode in ((BACKWARD_HISTORY, "BACKWARD"), (FORWARD_HISTORY, "FORWARD")):
        assert incompatibilities(history[0], history[2], mode)
        assert not incompatibilities(history[1], history[2], mode)


def test_a_non_transitive_mode_still_fails_against_the_latest_version() -> None:
    # v3 against v2 when v2 is the one it cannot follow: the latest is always checked.
    history = [BACKWARD_HISTORY[1], BACKWARD_HISTORY[0], record({"name": "f", "type": "string"})]
    assert verdict(history, "BACKWARD") == [f"{SUBJECT} v3 against v2"]


def test_none_checks_nothing() -> None:
    incompatible = [
        record({"name": "f", "type": "int"}),
        record(),
        record({"name": "g", "type": "int"}),
    ]
    assert verdict(incompatible, "NONE") == []
    assert verdict(incompatible, "BACKWARD_TRANSITIVE") != []
