"""The event codec against raw fastavro on the same messages, decode and encode.

Decode: `rooms_events.decode` (header checks, fingerprint lookup, bounded reading) against
fastavro's `schemaless_reader` on the same bodies after the 10-byte header. Encode:
`rooms_events.encode` (header + body) against `schemaless_writer` of the same records.
The messages are the committed samples (contracts/samples/, one per AsyncAPI example).
Short turns of the two alternate and the median pair's ratio is reported, so a busy
shared machine slows both alike. Run with `nox -s bench -- bench/codec.py`.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from collections.abc import Callable

from fastavro import schemaless_reader, schemaless_writer

from rooms_events import HEADER_SIZE, SchemaStore, decode, encode
from rooms_events.contract_files import samples_dir

PAIRS = int(os.environ.get("BENCH_PAIRS", "60"))
PER_TURN = int(os.environ.get("BENCH_MESSAGES", "2000"))


def seconds(operation: Callable[[], None], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        operation()
    return time.perf_counter() - started


def compare(name: str, ours: Callable[[], None], raw: Callable[[], None], batch: int) -> None:
    """Short turns of ours and raw, back to back, many times: on a shared machine a load
    spike hits both turns of a pair alike, and the median pair is what is reported."""
    calls = max(1, PER_TURN // batch)
    ratios, ours_rates, raw_rates = [], [], []
    for turn in range(PAIRS):
        # Alternating who goes first, so neither always runs on a warmer cache.
        first, second = (ours, raw) if turn % 2 == 0 else (raw, ours)
        a, b = seconds(first, calls), seconds(second, calls)
        ours_s, raw_s = (a, b) if turn % 2 == 0 else (b, a)
        ratios.append(raw_s / ours_s)  # rate ratio: ours / raw
        ours_rates.append(calls * batch / ours_s)
        raw_rates.append(calls * batch / raw_s)
    print(
        f"{name}: rooms_events {statistics.median(ours_rates):10.0f}/s   "
        f"raw fastavro {statistics.median(raw_rates):10.0f}/s   "
        f"ratio {statistics.median(ratios):.2f}x (median of {PAIRS} pairs; "
        f"quartiles {statistics.quantiles(ratios, n=4)[0]:.2f}-{statistics.quantiles(ratios, n=4)[2]:.2f})"
    )


def main() -> None:
    store = SchemaStore.bundled()
    bodies = [path.read_bytes() for path in sorted(samples_dir().glob("*/*.bin"))]
    if not bodies:
        raise SystemExit(f"no samples under {samples_dir()}: run `rooms-events samples`")
    decoded = [decode(store, body) for body in bodies]
    pairs = [(body, d.writer.parsed) for body, d in zip(bodies, decoded, strict=True)]
    written = [(d.writer, d.record) for d in decoded]
    print(f"{len(bodies)} sample messages; {PAIRS} pairs of turns of {PER_TURN} messages each")

    def decode_ours() -> None:
        for body in bodies:
            decode(store, body)

    def decode_raw() -> None:
        for body, schema in pairs:
            schemaless_reader(io.BytesIO(body[HEADER_SIZE:]), schema, None)

    def encode_ours() -> None:
        for writer, record in written:
            encode(writer, record)

    def encode_raw() -> None:
        for writer, record in written:
            buffer = io.BytesIO()
            schemaless_writer(buffer, writer.parsed, record)
            buffer.getvalue()

    compare("decode", decode_ours, decode_raw, len(bodies))
    compare("encode", encode_ours, encode_raw, len(bodies))


if __name__ == "__main__":
    main()
