"""The consumers' Avro codec, imported in one place: the checks decode as a consumer would."""

from __future__ import annotations

from rooms.adapters.avro import AvroDecodeError, Decoded, SchemaStore
from rooms.adapters.avro.single_object import HEADER_SIZE, MARKER, decode, encode
from rooms.contract_files import avro_dir

__all__ = [
    "HEADER_SIZE",
    "MARKER",
    "AvroDecodeError",
    "Decoded",
    "SchemaStore",
    "decode",
    "encode",
    "load_store",
]


def load_store() -> SchemaStore:
    return SchemaStore.load(avro_dir())
