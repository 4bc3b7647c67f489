"""`rooms-events`: write or check the sample messages, decode a message body.

rooms-events samples contracts/samples           # (re)write every sample
rooms-events samples contracts/samples --check   # exit 1 unless they are up to date
rooms-events decode message.bin                  # the decoded event as JSON
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rooms_events.samples import Sample, SampleError, decoded_json, samples
from rooms_events.schema_store import SchemaStore, SchemaStoreError
from rooms_events.single_object import AvroDecodeError
from rooms_events.transport import EventTransport, TransportError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rooms-events", description=__doc__.split("\n")[0])
    parser.add_argument("--asyncapi", type=Path, help="an AsyncAPI document (default: bundled)")
    parser.add_argument("--schemas", type=Path, help="a folder like contracts/avro/")
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("samples", help="write one .bin/.json pair per example")
    write.add_argument("directory", type=Path)
    write.add_argument("--check", action="store_true", help="compare instead of writing")
    read = commands.add_parser("decode", help="print a message body decoded, as JSON")
    read.add_argument("file", help="a file holding one message body, or - for stdin")
    args = parser.parse_args(argv)
    try:
        store = SchemaStore.load(args.schemas) if args.schemas else SchemaStore.bundled()
        if args.command == "decode":
            body = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
            sys.stdout.write(decoded_json(store, body))
            return 0
        transport = (
            EventTransport.load(args.asyncapi) if args.asyncapi else EventTransport.bundled()
        )
        wanted = list(samples(transport, store))
    except (OSError, SchemaStoreError, TransportError, SampleError, AvroDecodeError) as error:
        print(f"rooms-events: {error}", file=sys.stderr)
        return 2
    if args.check:
        problems = check(args.directory, wanted)
        for problem in problems:
            print(f"rooms-events: {problem}", file=sys.stderr)
        if problems:
            print(f"regenerate with: rooms-events samples {args.directory}", file=sys.stderr)
            return 1
        print(f"{len(wanted)} samples in {args.directory} match the contract")
        return 0
    for sample in wanted:
        stem = args.directory / sample.stem
        stem.parent.mkdir(parents=True, exist_ok=True)
        stem.with_suffix(".bin").write_bytes(sample.body)
        stem.with_suffix(".json").write_text(sample.decoded, encoding="utf-8")
    print(f"wrote {len(wanted)} samples to {args.directory}")
    return 0


def check(directory: Path, wanted: list[Sample]) -> list[str]:
    """What differs between `directory` and the samples the contract gives."""
    problems, expected = [], set()
    for sample in wanted:
        stem = directory / sample.stem
        for path, content in (
            (stem.with_suffix(".bin"), sample.body),
            (stem.with_suffix(".json"), sample.decoded.encode()),
        ):
            expected.add(path)
            if not path.is_file():
                problems.append(f"{path}: missing")
            elif path.read_bytes() != content:
                problems.append(f"{path}: differs from what the contract's example gives")
    stale = sorted(p for p in directory.glob("*/*") if p.suffix in {".bin", ".json"})
    problems += [f"{path}: no example in the contract" for path in stale if path not in expected]
    return problems


if __name__ == "__main__":
    sys.exit(main())
