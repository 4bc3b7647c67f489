"""The decoder under hostile input: always the codec's one error, in bounded time and memory."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rooms.adapters.avro import AvroDecodeError, SchemaStore
from rooms.adapters.avro.single_object import MARKER, decode, encode
from rooms.contract_files import avro_dir
from rooms.testing import from_avro_schema
from tests.property.profiles import chosen

STORE = SchemaStore.load(avro_dir())
VERSIONS = list(STORE)
FINGERPRINTS = [v.fingerprint for v in VERSIONS]
# Safety limits, generous enough never to flake: a decode that allocated by a hostile
# length prefix (up to 2**63 bytes) or looped on a huge count would blow far past them.
SECONDS = 1.0
PEAK_BYTES = 2_000_000


@contextmanager
def bounded() -> Iterator[None]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < SECONDS, f"decoding took {elapsed:.2f}s"
    assert peak < PEAK_BYTES, f"decoding peaked at {peak} bytes"


def assert_refused_cleanly(payload: bytes) -> None:
    with bounded():
        try:
            decode(STORE, payload)
        except AvroDecodeError:
            return
    # Random bytes can, rarely, be a valid record of a tiny schema; then it must be one.
    assert payload[:2] == MARKER


@chosen()
@given(st.binary(max_size=512))
def test_arbitrary_bytes(payload: bytes) -> None:
    assert_refused_cleanly(payload)


@chosen()
@given(st.sampled_from(FINGERPRINTS), st.binary(max_size=512))
def test_a_known_header_with_an_arbitrary_body(fingerprint: bytes, body: bytes) -> None:
    assert_refused_cleanly(MARKER + fingerprint + body)


@chosen()
@given(st.data())
def test_every_truncation_of_a_valid_payload(data: st.DataObject) -> None:
    version = data.draw(st.sampled_from(VERSIONS))
    payload = encode(version, data.draw(from_avro_schema(version.schema)))
    cut = data.draw(st.integers(0, len(payload) - 1))
    with bounded():
        try:
            decode(STORE, payload[:cut])
        except AvroDecodeError:
            return
    raise AssertionError(f"a payload cut at {cut} of {len(payload)} bytes decoded")


@chosen()
@given(st.sampled_from(FINGERPRINTS), st.integers(2**20, 2**62), st.binary(max_size=16))
def test_huge_length_prefixes(fingerprint: bytes, length: int, tail: bytes) -> None:
    zigzag = length << 1
    varint = bytearray()
    while True:
        byte, zigzag = zigzag & 0x7F, zigzag >> 7
        varint.append(byte | (0x80 if zigzag else 0))
        if not zigzag:
            break
    assert_refused_cleanly(MARKER + fingerprint + bytes(varint) + tail)


@chosen()
@given(
    st.binary(min_size=2, max_size=2).filter(lambda marker: marker != MARKER),
    st.binary(max_size=64),
)
def test_a_wrong_marker(marker: bytes, rest: bytes) -> None:
    with bounded():
        try:
            decode(STORE, marker + rest)
        except AvroDecodeError:
            return
    raise AssertionError("a payload without the C3 01 marker decoded")


@chosen()
@given(
    st.binary(min_size=8, max_size=8).filter(lambda f: f not in FINGERPRINTS),
    st.binary(max_size=64),
)
def test_an_unknown_fingerprint(fingerprint: bytes, body: bytes) -> None:
    with bounded(), pytest.raises(AvroDecodeError, match=fingerprint.hex()):
        decode(STORE, MARKER + fingerprint + body)
