"""The search indexer's pact with rooms: Avro messages, single-object encoded, as bytes.

Pact cannot look inside Avro, so the pact pins what the bytes must be readable with: the
writer schema's fingerprint (metadata `avro-fingerprint`), one this indexer's decoder
knows. The body matcher accepts any bytes; the indexer's handler decoding the example
body proves the indexer reads that schema. A provider whose event lacks a field the
indexer needs writes with another schema, hence another fingerprint, and fails.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from examples.consumers.indexer.search_indexer import SearchIndexer
from examples.consumers.pact_files import PACT_DIR, PROVIDER
from pact import Pact
from rooms.adapters.avro import AvroEventEncoder
from rooms.domain.events import DomainEvent, RoomCreated, RoomDeleted, RoomUpdated
from rooms.domain.model import Area, Recurrence, Room

CONSUMER = "search-indexer"
ROOM_ID = uuid.UUID("0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e01")
AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
ANY_BYTES = {"body": {"$": {"combine": "AND", "matchers": [{"match": "type"}]}}}
ENCODER = AvroEventEncoder()
ROOM = Room(
    id=ROOM_ID,
    version=1,
    created_at=AT,
    updated_at=AT,
    name="Bright room",
    price=85000,
    currency="EUR",
    recurrence=Recurrence.MONTHLY,
    provider="flats.example",
    url="https://flats.example/listing/1842",
    area=Area(name="Príncipe Real", city="Lisbon", country="PT"),
)
# Fixed ids and times keep the committed pact file the same from run to run.
EVENTS: list[tuple[str, str, DomainEvent]] = [
    (
        "a RoomCreated event",
        "a room was created",
        RoomCreated(room=ROOM, event_id=uuid.UUID(int=1), occurred_at=AT),
    ),
    (
        "a RoomUpdated event",
        "a room was repriced",
        RoomUpdated(
            room=ROOM, changed_fields=("price",), event_id=uuid.UUID(int=2), occurred_at=AT
        ),
    ),
    (
        "a RoomDeleted event",
        "a room was deleted",
        RoomDeleted(
            room_id=ROOM_ID, version=1, url=ROOM.url, event_id=uuid.UUID(int=3), occurred_at=AT
        ),
    ),
]


@pytest.fixture(scope="module")
def pact() -> Iterator[Pact]:
    pact = Pact(CONSUMER, PROVIDER).with_specification("V4")
    yield pact
    pact.write_file(PACT_DIR, overwrite=True)


def test_the_indexer_reads_every_room_event(pact: Pact) -> None:
    for description, state, event in EVENTS:
        encoded = ENCODER.encode(event)
        (
            pact.upon_receiving(description, "Async")
            .given(state, {"room_id": str(ROOM_ID)})
            .with_binary_body(encoded.payload, "application/avro")
            .with_matching_rules(ANY_BYTES)
            .with_metadata(
                {"avro-fingerprint": encoded.schema_fingerprint.hex(), "type": encoded.event_type}
            )
        )
    indexer = SearchIndexer()
    seen: list[str] = []

    def handle(body: str | bytes | None, metadata: dict[str, Any]) -> None:
        assert isinstance(body, bytes)
        indexer.handle(body, metadata)
        seen.append(str(metadata["type"]))

    pact.verify(handle, "Async")
    assert sorted(seen) == ["RoomCreated", "RoomDeleted", "RoomUpdated"]
    assert indexer.documents == {}  # created, updated, then deleted: nothing left to find
