"""Which Avro versions are checked against which, and what editing the stored history means.

The compatibility verdict itself is the checker's; here a recording checker stands in for it so
each test can see exactly which pairs were asked about, under which mode.
"""

from __future__ import annotations

from typing import Any

from rooms.compat.avro_contracts_diff import StoredVersion, diff_avro_versions

V1 = {"type": "record", "name": "RoomCreated", "fields": [{"name": "id", "type": "string"}]}
V2 = {
    **V1,
    "fields": [*V1["fields"], {"name": "city", "type": ["null", "string"], "default": None}],
}
V3 = {**V1, "fields": [*V2["fields"], {"name": "beds", "type": "int", "default": 1}]}
SUBJECT = "rooms.events.RoomCreated"


def stored(version: int, schema: dict[str, Any], mode: str = "FULL_TRANSITIVE") -> StoredVersion:
    return StoredVersion(SUBJECT, version, mode, schema)


class RecordingCheck:
    """Answers "incompatible" for the (earlier, new) version pairs it is told to refuse."""

    def __init__(self, refuse: frozenset[tuple[int, int]] = frozenset()) -> None:
        self.refuse = refuse
        self.asked: list[tuple[int, int, str]] = []

    def __call__(self, earlier: Any, new: Any, mode: str) -> list[str]:
        pair = (_number(earlier), _number(new))
        self.asked.append((*pair, mode))
        return ["field beds has no default"] if pair in self.refuse else []


def _number(schema: Any) -> int:
    return {str(V1): 1, str(V2): 2, str(V3): 3}[str(schema)]


def rules(changes: list[Any]) -> list[str]:
    return sorted(change.rule for change in changes)


def test_new_version_checked_against_every_earlier_one_under_its_mode() -> None:
    check = RecordingCheck()
    changes = diff_avro_versions(
        [stored(1, V1), stored(2, V2)], [stored(1, V1), stored(2, V2), stored(3, V3)], check
    )
    assert check.asked == [(1, 3, "FULL_TRANSITIVE"), (2, 3, "FULL_TRANSITIVE")]
    assert rules(changes) == ["avro-version-added"]


def test_incompatibility_with_any_earlier_version_is_breaking() -> None:
    check = RecordingCheck(refuse=frozenset({(1, 3)}))
    changes = diff_avro_versions(
        [stored(1, V1), stored(2, V2)], [stored(1, V1), stored(2, V2), stored(3, V3)], check
    )
    [broken] = [c for c in changes if c.rule == "avro-incompatible-version"]
    assert broken.severity == "breaking"
    assert broken.location == f"{SUBJECT} v3 against v1"
    assert "field beds has no default" in broken.message


def test_released_versions_are_not_rechecked() -> None:
    check = RecordingCheck(
        refuse=frozenset({(1, 2)})
    )  # even a checker that now objects is not asked
    changes = diff_avro_versions(
        [stored(1, V1), stored(2, V2)], [stored(1, V1), stored(2, V2)], check
    )
    assert check.asked == []
    assert changes == []


def test_editing_a_released_version_is_breaking() -> None:
    changes = diff_avro_versions([stored(1, V1)], [stored(1, V2)], RecordingCheck())
    assert rules(changes) == ["avro-released-version-changed"]


def test_deleting_a_released_version_or_schema_is_breaking() -> None:
    assert rules(
        diff_avro_versions([stored(1, V1), stored(2, V2)], [stored(2, V2)], RecordingCheck())
    ) == ["avro-released-version-removed"]
    assert rules(diff_avro_versions([stored(1, V1)], [], RecordingCheck())) == [
        "avro-schema-removed"
    ]


def test_weakening_the_declared_mode_is_a_warning() -> None:
    changes = diff_avro_versions(
        [stored(1, V1, "FULL_TRANSITIVE")], [stored(1, V1, "BACKWARD")], RecordingCheck()
    )
    assert [(c.rule, c.severity) for c in changes] == [
        ("avro-compatibility-mode-weakened", "warning")
    ]


def test_first_version_of_a_new_schema_needs_no_check() -> None:
    check = RecordingCheck()
    changes = diff_avro_versions([], [stored(1, V1)], check)
    assert check.asked == []
    assert rules(changes) == ["avro-version-added"]
