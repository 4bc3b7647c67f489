"""`rooms-mock [SPEC]`: serve a spec's examples (or data drawn from its schemas) over HTTP."""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from rooms_mock.asgi import CONTROL_PREFIX, Latency, MockApp
from rooms_mock.engine import MockEngine, MockOptions
from rooms_mock.spec import SpecError, default_spec_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rooms-mock",
        description="Serve an OpenAPI 3 spec as a validating mock server (Prism's Prefer).",
    )
    parser.add_argument(
        "spec",
        nargs="?",
        type=Path,
        help="the OpenAPI 3 document (default: contracts/openapi.yaml, else the rooms contract)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4010, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=0, help="seed of dynamic data (default 0)")
    parser.add_argument("--dynamic", action="store_true", help="bodies drawn from the schemas")
    parser.add_argument(
        "--stateful", action="store_true", help="POST creates, GET/PATCH/PUT/DELETE see it"
    )
    parser.add_argument(
        "--latency", type=Latency.parse, metavar="MS|MIN-MAX", help="delay every answer"
    )
    parser.add_argument("--cors", action="store_true", help="answer browsers' CORS requests")
    parser.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="KEY",
        help="accept only this key (repeatable); without it any non-empty key is accepted",
    )
    parser.add_argument(
        "--unique",
        action="append",
        default=[],
        metavar="MEMBER",
        help="a member unique among a resource's items (stateful; repeatable)",
    )
    parser.add_argument("--max-body-bytes", type=int, default=1 << 20)
    parser.add_argument("--no-reload", action="store_true", help="ignore changes to the spec")
    parser.add_argument(
        "--amqp-url",
        metavar="URL",
        help="publish the events of writes (stateful) and on demand to RabbitMQ "
        "(needs rooms-mock[events]); `rooms-mock publish -h` publishes from the shell",
    )
    parser.add_argument(
        "--events-exchange",
        metavar="NAME",
        help="publish on this exchange instead of the contract's (tests sharing a broker)",
    )
    return parser


def describe(engine: MockEngine, address: str) -> str:
    options = engine.options
    mode = ", ".join(
        [
            "dynamic data" if options.dynamic else "examples",
            f"seed {options.seed}",
            "stateful" if options.stateful else "stateless",
        ]
    )
    lines = [f"rooms-mock: {engine.title} from {engine.source} at {address} ({mode})"]
    lines += [f"  {operation.label()}" for operation in engine.operations]
    lines += [f"  warning: {warning}" for warning in engine.warnings]
    if options.stateful:
        lines.append(f"  reset the state: POST {address}{CONTROL_PREFIX}reset")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["publish"]:
        from rooms_mock.events.wiring import publish_main

        publish_main(argv[1:])
        return
    args = _parser().parse_args(argv)
    options = MockOptions(
        dynamic=args.dynamic,
        stateful=args.stateful,
        seed=args.seed,
        api_keys=frozenset(args.api_key),
        unique=tuple(args.unique),
        max_body_bytes=args.max_body_bytes,
    )
    try:
        spec = args.spec or default_spec_path()
        engine = MockEngine.from_path(spec, options)
    except SpecError as error:
        sys.exit(f"rooms-mock: {error}")

    # Bind first, so the address printed is the real one, even for --port 0.
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as error:
        sys.exit(f"rooms-mock: cannot listen on {args.host}:{args.port}: {error}")
    events = None
    if args.amqp_url:
        from rooms_mock.events.wiring import EventsSetupError, MockEvents

        try:
            events = MockEvents(engine, args.amqp_url, args.events_exchange)
        except EventsSetupError as error:
            sock.close()
            sys.exit(f"rooms-mock: {error}")
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    address = f"http://{host}:{port}"

    def announce(current: MockEngine) -> None:
        print(describe(current, address), flush=True)
        if events is not None:
            print("\n".join(events.describe(current.options.stateful)), flush=True)

    def reloaded(current: MockEngine) -> None:
        if events is not None:
            events.attach(current)
        print(f"rooms-mock: {spec} changed; reloaded", flush=True)
        announce(current)

    app = MockApp(
        engine,
        latency=args.latency,
        cors=args.cors,
        watch=None if args.no_reload else Path(spec),
        on_reload=reloaded,
        controls=None if events is None else events.controls,
    )
    announce(engine)
    import uvicorn  # imported late: `rooms-mock --help` stays instant

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        if events is not None:
            events.close()


if __name__ == "__main__":
    main()
