"""The event codec against raw fastavro on the same messages, decode and encode.

Decode: `rooms_events.decode` (header checks, fingerprint lookup, bounded reading) against
fastavro's `schemaless_reader` on the same bodies after the 10-byte header. Encode:
`rooms_events.encode` (header + body) against `schemaless_writer` of the same records.
The messages are the committed samples (contracts/samples/, one per AsyncAPI example).
Rounds alternate between the two and the best round of each counts, so a busy shared
machine slows both alike. Run with `nox -s bench -- bench/codec.py`.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable

from fastavro import schemaless_reader, schemaless_writer

from rooms_events import HEADER_SIZE, SchemaStore, decode, encode
from rooms_events.contract_files import samples_dir

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
PER_ROUND = int(os.environ.get("BENCH_MESSAGES", "20000"))


def best_rate(operation: Callable[[], None], batch: int) -> float:
    """Messages per second in one round of `PER_ROUND` messages (`batch` per call)."""
    calls = max(1, PER_ROUND // batch)
    started = time.perf_counter()
    for _ in range(calls):
        operation()
    return calls * batch / (time.perf_counter() - started)


def compare(name: str, ours: Callable[[], None], raw: Callable[[], None], batch: int) -> None:
    rates: dict[str, list[float]] = {"ours": [], "raw": []}
    for _ in range(ROUNDS):
        rates["ours"].append(best_rate(ours, batch))
        rates["raw"].append(best_rate(raw, batch))
    best_ours, best_raw = max(rates["ours"]), max(rates["raw"])
    print(
        f"{name}: rooms_events {best_ours:10.0f}/s   raw fastavro {best_raw:10.0f}/s   "
        f"ratio {best_ours / best_raw:.2f}x"
    )


def main() -> None:
    store = SchemaStore.bundled()
    bodies = [path.read_bytes() for path in sorted(samples_dir().glob("*/*.bin"))]
    if not bodies:
        raise SystemExit(f"no samples under {samples_dir()}: run `rooms-events samples`")
    decoded = [decode(store, body) for body in bodies]
    pairs = [(body, d.writer.parsed) for body, d in zip(bodies, decoded, strict=True)]
    written = [(d.writer, d.record) for d in decoded]
    print(f"{len(bodies)} sample messages, {ROUNDS} rounds of {PER_ROUND} each, best round")

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
