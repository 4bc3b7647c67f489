"""Schema evolution: every pair of stored versions under the mode the schema declares.

Static: Apache avro's compatibility rules (rooms.compat.avro_evolution, the checker
`rooms contracts diff` uses too). Dynamic: records written with one version and read
with the other are the expected projection (defaults filled, removed fields dropped).
"""

from __future__ import annotations

import json
import shutil
from itertools import permutations
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from rooms.adapters.avro import SchemaStore, SchemaVersion
from rooms.adapters.avro.single_object import decode, encode
from rooms.compat.avro_evolution import check_history
from rooms.contract_files import avro_dir
from rooms.testing import from_avro_schema

STORE = SchemaStore.load(avro_dir())
FAULTS = Path(__file__).with_name("faults")
NAMES = STORE.names()


def history(store: SchemaStore, name: str) -> list[tuple[str, Any]]:
    return [(f"v{v.version}", v.schema) for v in store.versions(name)]


@pytest.mark.parametrize("name", NAMES)
def test_every_stored_history_keeps_its_declared_mode(name: str) -> None:
    mode = STORE.latest(name).mode
    failures = check_history(history(STORE, name), mode)
    assert failures == [], "\n".join(map(str, failures))


PAIRS = [
    (writer, reader)
    for name in NAMES
    for writer, reader in permutations(STORE.versions(name), 2)
    if "FULL" in STORE.latest(name).mode
]


def projection(record: dict[str, Any], reader: SchemaVersion) -> dict[str, Any]:
    """What a reader should see: its fields, from the record or else their defaults."""
    return {
        field["name"]: record[field["name"]] if field["name"] in record else field["default"]
        for field in reader.schema["fields"]
    }


@pytest.mark.parametrize(
    ("writer", "reader"), PAIRS, ids=[f"{w.label}->{r.label}" for w, r in PAIRS]
)
def test_data_written_with_one_version_reads_with_another_as_the_projection(
    writer: SchemaVersion, reader: SchemaVersion
) -> None:
    @given(from_avro_schema(writer.schema))
    def property_(record: dict[str, Any]) -> None:
        assert decode(STORE, encode(writer, record), reader=reader).record == projection(
            record, reader
        )

    property_()


def test_the_store_has_pairs_to_check() -> None:
    # A history of one version checks nothing; RoomDeleted v2 (url added) keeps this honest.
    assert any(len(STORE.versions(name)) > 1 for name in NAMES)
    assert PAIRS


@pytest.mark.parametrize(
    ("fault", "rule", "field"),
    [
        (
            "v3_removes_version_without_default.avsc",
            "READER_FIELD_MISSING_DEFAULT_VALUE",
            "version",
        ),
        ("v3_changes_version_to_string.avsc", "TYPE_MISMATCH", "version"),
    ],
)
def test_an_incompatible_new_version_fails_naming_schema_field_and_rule(
    tmp_path: Path, fault: str, rule: str, field: str
) -> None:
    shutil.copytree(avro_dir(), tmp_path / "avro")
    shutil.copy(FAULTS / "RoomDeleted" / fault, tmp_path / "avro" / "RoomDeleted" / "v3.avsc")
    store = SchemaStore.load(tmp_path / "avro")
    failures = check_history(history(store, "RoomDeleted"), store.latest("RoomDeleted").mode)
    messages = "\n".join(map(str, failures))
    assert failures, "the evolution check passed an incompatible version"
    assert "rooms.events.RoomDeleted v3" in messages
    assert rule in messages
    assert f"at {field}" in messages
    assert json.loads((FAULTS / "RoomDeleted" / fault).read_text())["name"] == "RoomDeleted"
