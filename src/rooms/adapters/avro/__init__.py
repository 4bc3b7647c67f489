"""The Avro adapter: domain events as records of the rooms-events schemas (the codec is there)."""

from __future__ import annotations

from rooms.adapters.avro.event_records import AvroEventEncoder as AvroEventEncoder
