"""A search team's indexer: it consumes room events from RabbitMQ and keeps a search index."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rooms_events import decode_event


@dataclass
class SearchIndexer:
    """The index is a dict here; the real one is a search engine. What matters is what it reads."""

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)

    def handle(self, body: bytes, metadata: dict[str, Any] | None = None) -> None:
        event = decode_event(body)
        record = event.record
        room_id = str(record["room_id"])
        if event.type == "RoomDeleted":
            self.documents.pop(room_id, None)
            return
        room = record["room"]
        if not room["is_visible"]:
            self.documents.pop(room_id, None)
            return
        self.documents[room_id] = {
            "name": room["name"],
            "city": room["area"]["city"],
            "country": room["area"]["country"],
            "price": room["price"],
            "currency": room["currency"],
            "version": record["version"],
        }
