"""The Avro adapter: stored schema versions, single-object encoding, and the event encoder."""

from __future__ import annotations

from rooms.adapters.avro.event_records import AvroEventEncoder as AvroEventEncoder
from rooms.adapters.avro.schema_store import SchemaStore as SchemaStore
from rooms.adapters.avro.schema_store import SchemaStoreError as SchemaStoreError
from rooms.adapters.avro.schema_store import SchemaVersion as SchemaVersion
from rooms.adapters.avro.single_object import AvroDecodeError as AvroDecodeError
from rooms.adapters.avro.single_object import Decoded as Decoded
