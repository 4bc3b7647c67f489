"""Schema evolution: every pair of stored versions, under the mode the schema declares.

Static: rooms.compat.avro_evolution (Apache avro's rules; `rooms contracts diff` uses the
same checker). Dynamic: records written with one version and read with the other through
the real codec are the expected projection: the reader's fields, from the record when the
writer wrote them, else the reader's defaults; the writer's other fields dropped.
Faults: broken versions under tests/property/faults/ fail both, naming schema, field, rule.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, given, settings

from rooms.compat.avro_evolution import MODES, check_history
from rooms_events import AvroDecodeError, SchemaStore, SchemaVersion, decode, encode
from rooms_events.contract_files import avro_dir
from rooms_events.strategies import from_avro_schema
from tests.property.avro_projection import project
from tests.property.profiles import chosen

STORE = SchemaStore.load(avro_dir())
FAULTS = Path(__file__).with_name("faults")


def history(store: SchemaStore, name: str) -> list[tuple[str, Any]]:
    return [(f"v{version.version}", version.schema) for version in store.versions(name)]


def readable_pairs(store: SchemaStore) -> list[tuple[SchemaVersion, SchemaVersion]]:
    """(writer, reader) pairs whose data the declared modes promise to be readable."""
    pairs = []
    for name in store.names():
        versions = store.versions(name)
        for new_index, new in enumerate(versions):
            mode = new.mode
            earlier_ones = (
                versions[:new_index]
                if mode.endswith("_TRANSITIVE")
                else versions[max(new_index - 1, 0) : new_index]
            )
            for earlier in earlier_ones:
                if mode.startswith(("BACKWARD", "FULL")):
                    pairs.append((earlier, new))
                if mode.startswith(("FORWARD", "FULL")):
                    pairs.append((new, earlier))
    return pairs


def assert_reads_as_projection(
    store: SchemaStore, writer: SchemaVersion, reader: SchemaVersion, *, shrink: bool = True
) -> None:
    profile = chosen()
    if not shrink:
        # Fault tests only need to see a failure; shrinking a Room record takes half a minute.
        profile = settings(
            profile,
            phases=[phase for phase in profile.phases if phase is not Phase.shrink],
            report_multiple_bugs=False,
        )

    @profile
    @given(from_avro_schema(writer.schema))
    def written_then_read(record: dict[str, Any]) -> None:
        decoded = decode(store, encode(writer, record), reader=reader)
        assert decoded.writer == writer
        assert decoded.record == project(record, writer.schema, reader.schema)

    written_then_read()


@pytest.mark.parametrize("name", STORE.names())
def test_every_stored_history_keeps_its_declared_mode(name: str) -> None:
    modes = {version.mode for version in STORE.versions(name)}
    assert len(modes) == 1, f"{name}: its versions declare different modes {sorted(modes)}"
    (mode,) = modes
    assert mode in MODES
    failures = check_history(history(STORE, name), mode)
    assert failures == [], "\n".join(map(str, failures))


PAIRS = readable_pairs(STORE)


@pytest.mark.parametrize(
    ("writer", "reader"), PAIRS, ids=[f"{w.label}->{r.label}" for w, r in PAIRS]
)
def test_data_written_with_one_version_reads_with_another_as_the_projection(
    writer: SchemaVersion, reader: SchemaVersion
) -> None:
    assert_reads_as_projection(STORE, writer, reader)


def test_the_store_has_pairs_to_check() -> None:
    # A history of one version checks nothing; RoomDeleted v1 -> v2 (url added) keeps this
    # honest, both ways under its FULL_TRANSITIVE mode.
    labels = {(writer.label, reader.label) for writer, reader in PAIRS}
    assert {("RoomDeleted v1", "RoomDeleted v2"), ("RoomDeleted v2", "RoomDeleted v1")} <= labels


# Each fault: the broken files (installed as the version their name starts with), the
# schema whose history breaks, and what the failure must name.
FAULT_CASES = {
    "field removed without default": (
        ["RoomDeleted/v3_removes_version_without_default.avsc"],
        "RoomDeleted",
        "version",
        "READER_FIELD_MISSING_DEFAULT_VALUE",
    ),
    "type changed": (
        ["RoomDeleted/v3_changes_version_to_string.avsc"],
        "RoomDeleted",
        "version",
        "TYPE_MISMATCH",
    ),
    "logical type changed": (
        ["RoomDeleted/v3_changes_occurred_at_to_micros.avsc"],
        "RoomDeleted",
        "occurred_at",
        "LOGICAL_TYPE_MISMATCH",
    ),
    "nested type changed": (
        [
            "Coordinates/v2_changes_lat_to_string.avsc",
            "Room/v2_uses_coordinates_with_string_lat.avsc",
        ],
        "Room",
        "coordinates.lat",
        "TYPE_MISMATCH",
    ),
}


def store_with(tmp_path: Path, faults: list[str]) -> SchemaStore:
    """The stored contracts plus the broken versions, in a copy: contracts/avro stays valid."""
    shutil.copytree(avro_dir(), tmp_path / "avro")
    for fault in faults:
        name, file = fault.split("/")
        version = file.split("_", 1)[0]
        shutil.copy(FAULTS / name / file, tmp_path / "avro" / name / f"{version}.avsc")
    return SchemaStore.load(tmp_path / "avro")


@pytest.mark.parametrize(("faults", "name", "field", "rule"), FAULT_CASES.values(), ids=FAULT_CASES)
def test_an_incompatible_new_version_fails_the_static_check_naming_schema_field_and_rule(
    tmp_path: Path, faults: list[str], name: str, field: str, rule: str
) -> None:
    store = store_with(tmp_path, faults)
    latest = store.latest(name)
    failures = check_history(history(store, name), latest.mode)
    assert failures, f"the evolution check passed {faults}"
    assert {failure.schema for failure in failures} == {latest.name}
    assert {failure.new for failure in failures} == {f"v{latest.version}"}
    assert (field, rule) in {(failure.field, failure.rule) for failure in failures}
    message = "\n".join(map(str, failures))
    assert f"{latest.name} v{latest.version} breaks {latest.mode}" in message
    assert f"at field {field}: {rule}" in message


@pytest.mark.parametrize(("faults", "name", "field", "rule"), FAULT_CASES.values(), ids=FAULT_CASES)
def test_an_incompatible_new_version_fails_the_dynamic_check(
    tmp_path: Path, faults: list[str], name: str, field: str, rule: str
) -> None:
    store = store_with(tmp_path, faults)
    broken = store.latest(name)
    # Its mode promises every pair both ways; at least one of them must visibly fail.
    pairs = [
        pair
        for pair in readable_pairs(store)
        if broken in pair and pair[0].name == pair[1].name == broken.name
    ]
    assert pairs
    failed = []
    for writer, reader in pairs:
        try:
            assert_reads_as_projection(store, writer, reader, shrink=False)
        except (AssertionError, AvroDecodeError):
            failed.append((writer.label, reader.label))
    assert failed, f"every pair with {broken.label} read as the projection: the fault went unseen"
