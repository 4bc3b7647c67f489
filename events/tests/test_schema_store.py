"""The schema store: what contracts/avro/ holds, and clear errors for what it must not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rooms_events import SchemaStore, SchemaStoreError
from rooms_events.contract_files import avro_dir

EVENTS = ("RoomCreated", "RoomUpdated", "RoomDeleted")


def test_every_event_has_a_version_a_mode_and_a_doc_on_every_field(avro_store: SchemaStore) -> None:
    for name in EVENTS:
        latest = avro_store.latest(name)
        assert latest.mode == "FULL_TRANSITIVE"
        assert {"event_id", "occurred_at", "room_id", "version"} <= {
            f["name"] for f in latest.schema["fields"]
        }
    for version in avro_store:
        for record_field in version.source.get("fields", []):
            assert record_field.get("doc"), f"{version.label}.{record_field['name']} has no doc"


def test_shared_types_are_defined_once_and_inlined_where_used(avro_store: SchemaStore) -> None:
    created = avro_store.latest("RoomCreated")
    assert '"name": "Room"' in json.dumps(created.schema)
    assert "x-uses" not in json.dumps(created.schema)
    sources = [p.read_text() for p in avro_dir().glob("*/v*.avsc")]
    assert sum('"name": "Room",' in text for text in sources) == 1
    fingerprints = [v.fingerprint for v in avro_store]
    assert len(set(fingerprints)) == len(fingerprints)


def write(folder: Path, name: str, version: int, schema: dict[str, Any]) -> None:
    (folder / name).mkdir(exist_ok=True)
    (folder / name / f"v{version}.avsc").write_text(json.dumps(schema))


def record(name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "record", "name": name, "namespace": "t", "fields": [], **extra}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({("A", 1): record("B")}, "its folder says A"),
        ({("A", 1): record("A", **{"x-compatibility": "SOMETIMES"})}, "x-compatibility"),
        (
            {
                ("A", 1): record(
                    "A", **{"x-uses": {"t.B": 2}}, fields=[{"name": "b", "type": "t.B"}]
                )
            },
            "t.B v2",
        ),
        (
            {("A", 1): record("A", fields=[{"name": "b", "type": "nonsense"}])},
            "not a valid Avro schema",
        ),
    ],
)
def test_inconsistent_folders_are_refused_naming_the_file(
    tmp_path: Path, files: dict[tuple[str, int], dict[str, Any]], message: str
) -> None:
    for (name, version), schema in files.items():
        write(tmp_path, name, version, schema)
    with pytest.raises(SchemaStoreError, match=message):
        SchemaStore.load(tmp_path)
