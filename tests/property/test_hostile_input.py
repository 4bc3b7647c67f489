"""The decoder under hostile input: always the codec's one error, in bounded time and memory.

Arbitrary bytes, a known header over arbitrary bytes, every truncation of a valid payload,
huge length prefixes, a wrong marker, an unknown fingerprint. Each property takes the
decoder as an argument, so the fault tests can show each one fails for a decoder that lets
another exception out or allocates what a hostile length asks for.
"""

from __future__ import annotations

import io
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastavro import schemaless_reader
from hypothesis import given
from hypothesis import strategies as st

from rooms_events import HEADER_SIZE, MARKER, AvroDecodeError, SchemaStore, decode, encode
from rooms_events.contract_files import avro_dir
from rooms_events.strategies import from_avro_schema
from tests.property.profiles import chosen

STORE = SchemaStore.load(avro_dir())
VERSIONS = list(STORE)
FINGERPRINTS = [v.fingerprint for v in VERSIONS]
# Safety limits, generous enough never to flake (a decode here takes microseconds and
# kilobytes); a decoder that allocated what a hostile length prefix declares (up to 2**62
# bytes) or looped on a huge count would blow far past them.
SECONDS = 1.0
PEAK_BYTES = 2_000_000

Decoder = Callable[[SchemaStore, bytes], Any]


def the_codec(store: SchemaStore, payload: bytes) -> Any:
    return decode(store, payload)


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


def refused(decoder: Decoder, payload: bytes) -> bool:
    """Whether `decoder` refused `payload` with AvroDecodeError (anything else escapes)."""
    with bounded():
        try:
            decoder(STORE, payload)
        except AvroDecodeError:
            return True
    return False


def zigzag_varint(number: int) -> bytes:
    """Avro's encoding of a long (a length prefix or a block count)."""
    zigzag = (number << 1) ^ (number >> 63)
    out = bytearray()
    while True:
        byte, zigzag = zigzag & 0x7F, zigzag >> 7
        out.append(byte | (0x80 if zigzag else 0))
        if not zigzag:
            return bytes(out)


def arbitrary_bytes(decoder: Decoder) -> None:
    @chosen()
    @given(st.binary(max_size=512))
    def prop(payload: bytes) -> None:
        # Random bytes are, with odds of 2**-80, a valid header and record; only then may
        # they decode.
        assert refused(decoder, payload) or payload[:2] == MARKER

    prop()


def known_header_arbitrary_body(decoder: Decoder) -> None:
    @chosen()
    @given(st.sampled_from(FINGERPRINTS), st.binary(max_size=512))
    def prop(fingerprint: bytes, body: bytes) -> None:
        refused(decoder, MARKER + fingerprint + body)  # decoding or refusing, nothing else

    prop()


def truncations(decoder: Decoder) -> None:
    @chosen()
    @given(st.data())
    def prop(data: st.DataObject) -> None:
        version = data.draw(st.sampled_from(VERSIONS))
        payload = encode(version, data.draw(from_avro_schema(version.schema)))
        cut = data.draw(st.integers(0, len(payload) - 1))
        assert refused(decoder, payload[:cut]), f"cut at {cut} of {len(payload)} bytes, it decoded"

    prop()


def huge_length_prefixes(decoder: Decoder) -> None:
    # The first field of every event is its uuid event_id, a string: a length prefix first.
    events = [v for v in VERSIONS if v.short_name.startswith("Room") and v.short_name != "Room"]

    @chosen()
    @given(st.sampled_from(events), st.integers(2**20, 2**62), st.binary(max_size=16))
    def prop(version: Any, length: int, tail: bytes) -> None:
        payload = MARKER + version.fingerprint + zigzag_varint(length) + tail
        assert refused(decoder, payload)

    prop()


def wrong_markers(decoder: Decoder) -> None:
    @chosen()
    @given(
        st.binary(min_size=2, max_size=2).filter(lambda marker: marker != MARKER),
        st.sampled_from(FINGERPRINTS),
        st.binary(max_size=64),
    )
    def prop(marker: bytes, fingerprint: bytes, rest: bytes) -> None:
        assert refused(decoder, marker + fingerprint + rest), "a payload without C3 01 decoded"

    prop()


def unknown_fingerprints(decoder: Decoder) -> None:
    @chosen()
    @given(
        st.binary(min_size=8, max_size=8).filter(lambda f: f not in FINGERPRINTS),
        st.binary(max_size=64),
    )
    def prop(fingerprint: bytes, body: bytes) -> None:
        with bounded(), pytest.raises(AvroDecodeError, match=fingerprint.hex()):
            decoder(STORE, MARKER + fingerprint + body)

    prop()


PROPERTIES = {
    "arbitrary bytes": arbitrary_bytes,
    "a known header over arbitrary bytes": known_header_arbitrary_body,
    "every truncation of a valid payload": truncations,
    "huge length prefixes": huge_length_prefixes,
    "a wrong marker": wrong_markers,
    "an unknown fingerprint": unknown_fingerprints,
}


@pytest.mark.parametrize("check", PROPERTIES.values(), ids=PROPERTIES)
def test_the_codec_refuses_hostile_input_with_its_one_error(
    check: Callable[[Decoder], None],
) -> None:
    check(the_codec)


def unwrapped_decoder(store: SchemaStore, payload: bytes) -> Any:
    """A broken codec: frames correctly but lets fastavro's own exceptions out."""
    if payload[:2] != MARKER or len(payload) < HEADER_SIZE:
        raise AvroDecodeError("not single-object encoded")
    writer = store.by_fingerprint(payload[2:HEADER_SIZE])
    if writer is None:
        raise AvroDecodeError(f"unknown fingerprint {payload[2:HEADER_SIZE].hex()}")
    return schemaless_reader(io.BytesIO(payload[HEADER_SIZE:]), writer.parsed, writer.parsed)


def trusting_decoder(store: SchemaStore, payload: bytes) -> Any:
    """A broken codec: reserves the buffer the first length prefix asks for, then decodes."""
    stream = io.BytesIO(payload[HEADER_SIZE:])
    length = shift = 0
    while byte := stream.read(1):
        length |= (byte[0] & 0x7F) << shift
        shift += 7
        if not byte[0] & 0x80:
            break
    bytearray(min(length >> 1, 64 * 2**20))  # capped so the test itself stays safe
    return decode(store, payload)


def leaves(error: BaseException) -> list[BaseException]:
    """The failures Hypothesis raised: one, or several distinct ones in a group."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in leaves(inner)]
    return [error]


def test_a_codec_that_lets_other_errors_out_fails() -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011 (any error but AvroDecodeError)
        known_header_arbitrary_body(unwrapped_decoder)
    escaped = leaves(caught.value)
    assert not any(isinstance(error, AvroDecodeError | AssertionError) for error in escaped)


def test_a_codec_that_allocates_what_the_bytes_declare_fails_the_memory_bound() -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011 (one AssertionError, or a group)
        huge_length_prefixes(trusting_decoder)
    assert any("decoding peaked at" in str(error) for error in leaves(caught.value))
