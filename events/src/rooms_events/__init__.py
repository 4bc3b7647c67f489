"""The rooms event codec: Avro single-object messages of the room events, both ways.

    from rooms_events import decode_event
    event = decode_event(body)  # DecodedEvent(type, writer_version, fingerprint, record)

`rooms_events.transport` reads the AMQP side (exchange, routing keys, properties) from the
bundled AsyncAPI document; `rooms_events.strategies` (extra `strategies`) generates values
of any Avro schema with Hypothesis.
"""

from __future__ import annotations

from rooms_events.decoding import DecodedEvent as DecodedEvent
from rooms_events.decoding import decode_event as decode_event
from rooms_events.schema_store import SchemaStore as SchemaStore
from rooms_events.schema_store import SchemaStoreError as SchemaStoreError
from rooms_events.schema_store import SchemaVersion as SchemaVersion
from rooms_events.single_object import HEADER_SIZE as HEADER_SIZE
from rooms_events.single_object import MARKER as MARKER
from rooms_events.single_object import AvroDecodeError as AvroDecodeError
from rooms_events.single_object import Decoded as Decoded
from rooms_events.single_object import decode as decode
from rooms_events.single_object import encode as encode
