"""Records in JSON form: timestamps converted where the schema says, nowhere else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rooms_events import SchemaStore, decode
from rooms_events.contract_files import samples_dir
from rooms_events.json_form import JsonFormError, from_json, to_json
from rooms_events.samples import SampleError, encode_json
from rooms_events.transport import EventTransport

STAMPED: dict[str, Any] = {
    "type": "record",
    "name": "Stamped",
    "namespace": "t",
    "fields": [
        {"name": "label", "type": "string"},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {
            "name": "inner",
            "type": [
                "null",
                {
                    "type": "record",
                    "name": "Inner",
                    "fields": [
                        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}}
                    ],
                },
            ],
        },
        {"name": "more", "type": {"type": "array", "items": "t.Inner"}},
    ],
}
STAMP = "2026-11-20T09:30:00.000Z"
WHEN = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def test_timestamps_convert_only_where_the_schema_has_them() -> None:
    value = {"label": STAMP, "at": STAMP, "inner": {"at": STAMP}, "more": [{"at": STAMP}]}
    record = from_json(STAMPED, value)
    assert record == {"label": STAMP, "at": WHEN, "inner": {"at": WHEN}, "more": [{"at": WHEN}]}
    assert to_json(record) == value
    assert from_json(STAMPED, {**value, "inner": None})["inner"] is None


def test_a_value_that_does_not_fit_is_refused_saying_where() -> None:
    with pytest.raises(JsonFormError, match="here/more/0/at: 'soon' is not an ISO 8601"):
        from_json(
            STAMPED, {"label": "", "at": STAMP, "inner": None, "more": [{"at": "soon"}]}, "here"
        )
    with pytest.raises(JsonFormError, match="fits no branch"):
        from_json(STAMPED, {"label": "", "at": STAMP, "inner": [1], "more": []})


def test_encode_json_gives_the_sample_bytes_and_names_a_bad_payload(
    avro_store: SchemaStore,
) -> None:
    transport = EventTransport.bundled()
    deleted = transport.message("RoomDeleted")
    example = deleted.example("deleted")
    body = encode_json(deleted, example.payload, avro_store)
    assert body == (samples_dir() / "RoomDeleted" / "deleted.bin").read_bytes()
    assert to_json(decode(avro_store, body).record) == example.payload
    with pytest.raises(SampleError, match="RoomDeleted: not a RoomDeleted v2 record"):
        encode_json(deleted, {**example.payload, "version": "three"}, avro_store)
