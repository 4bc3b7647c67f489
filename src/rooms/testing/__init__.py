"""Testing aids that consumer teams can import (needs the `rooms[testing]` extra)."""

from __future__ import annotations

from rooms.testing.avro_strategies import UnsupportedSchema as UnsupportedSchema
from rooms.testing.avro_strategies import from_avro_schema as from_avro_schema
