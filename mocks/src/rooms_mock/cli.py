"""`rooms-mock [SPEC]`: serve a spec's examples (or data drawn from its schemas) over HTTP;
`rooms-mock proxy SPEC UPSTREAM`: check a real environment's traffic against the spec."""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path
from typing import Any

from rooms_mock.asgi import MockApp
from rooms_mock.cli_options import parser, proxy_parser
from rooms_mock.control import CONTROL_PREFIX
from rooms_mock.engine import MockEngine, MockOptions
from rooms_mock.journal import NORMAL, SILENT, VERBOSE, Journal
from rooms_mock.spec import SpecError, default_spec_path
from rooms_mock.state_file import StateError, read_state


def describe(engine: MockEngine, address: str) -> str:
    options = engine.options
    mode = ", ".join(
        [
            "dynamic data" if options.dynamic else "examples",
            f"seed {options.seed}",
            "stateful" if options.stateful else "stateless",
        ]
    )
    served = address + engine.router.prefix
    lines = [f"rooms-mock: {engine.title} from {engine.source} at {served} ({mode})"]
    lines += [f"  {operation.label()}" for operation in engine.operations]
    lines += [f"  warning: {warning}" for warning in engine.warnings]
    if options.stateful:
        lines += [f"  {line}" for line in engine.inference.report()]
        lines.append(f"  reset the state: POST {address}{CONTROL_PREFIX}reset")
        items = sum(len(items) for items in engine.state.snapshot().values())
        if items:
            lines.append(f"  preloaded {items} item{'s' if items != 1 else ''}")
    lines.append(f"  the request journal: GET {address}{CONTROL_PREFIX}requests")
    return "\n".join(lines)


def _listen(host: str, port: int) -> tuple[socket.socket, str]:
    """Bind first, so the address printed is the real one, even for --port 0."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sys.exit(f"rooms-mock: cannot listen on {host}:{port}: {error}")
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    return sock, f"http://{shown}:{bound}"


def _verbosity(args: argparse.Namespace) -> int:
    return max(SILENT, min(VERBOSE, NORMAL + int(args.verbose) - int(args.quiet)))


def _run(app: Any, sock: socket.socket) -> None:
    import uvicorn  # imported late: `rooms-mock --help` stays instant

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def proxy(argv: list[str]) -> None:
    args = proxy_parser().parse_args(argv)
    if not args.upstream.startswith(("http://", "https://")):
        sys.exit(f"rooms-mock proxy: UPSTREAM {args.upstream!r} is not an http(s) URL")
    options = MockOptions(max_body_bytes=args.max_body_bytes, base_path=args.base_path)
    try:
        engine = MockEngine.from_path(args.spec, options)
    except SpecError as error:
        sys.exit(f"rooms-mock proxy: {error}")
    from rooms_mock.proxy import ProxyApp  # imported late: httpx is not needed to serve

    sock, address = _listen(args.host, args.port)
    app = ProxyApp(
        engine,
        args.upstream,
        errors=args.errors,
        timeout=float(args.timeout),
        journal=Journal(verbosity=_verbosity(args)),
    )
    mode = "violations refused (--errors)" if args.errors else "violations reported"
    print(
        f"rooms-mock proxy: {engine.title} from {engine.source} at "
        f"{address}{engine.router.prefix} (to {args.upstream}, {mode})",
        flush=True,
    )
    _run(app, sock)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["proxy"]:
        proxy(argv[1:])
        return
    if argv[:1] == ["publish"]:
        from rooms_mock.events.wiring import publish_main

        publish_main(argv[1:])
        return
    args = parser().parse_args(argv)
    options = MockOptions(
        dynamic=args.dynamic,
        stateful=args.stateful,
        seed=args.seed,
        api_keys=frozenset(args.api_key),
        unique=tuple(args.unique),
        max_body_bytes=args.max_body_bytes,
        base_path=args.base_path,
    )
    if args.state is not None and not args.stateful:
        sys.exit("rooms-mock: --state FILE preloads the stateful store: add --stateful")
    try:
        spec = args.spec or default_spec_path()
        engine = MockEngine.from_path(spec, options)
        state = read_state(args.state, engine.inference) if args.state is not None else None
    except (SpecError, StateError) as error:
        sys.exit(f"rooms-mock: {error}")
    if state is not None:
        engine.state.preload(state)
    events = None
    if args.amqp_url:
        from rooms_mock.events.wiring import EventsSetupError, MockEvents

        try:
            events = MockEvents(engine, args.amqp_url, args.events_exchange)
        except EventsSetupError as error:
            sys.exit(f"rooms-mock: {error}")

    sock, address = _listen(args.host, args.port)

    def announce(current: MockEngine) -> None:
        print(describe(current, address), flush=True)
        if events is not None:
            print("\n".join(events.describe(current.options.stateful)), flush=True)

    def reloaded(current: MockEngine) -> None:
        if events is not None:
            events.attach(current)
        print(f"rooms-mock: {spec} changed; reloaded", flush=True)
        if args.state is not None:
            try:
                current.state.preload(read_state(args.state, current.inference))
            except StateError as error:
                print(f"rooms-mock: {error}; serving without it", flush=True)
        announce(current)

    app = MockApp(
        engine,
        latency=args.latency,
        cors=args.cors,
        watch=None if args.no_reload else Path(spec),
        on_reload=reloaded,
        journal=Journal(verbosity=_verbosity(args)),
        controls=None if events is None else events.controls,
    )
    announce(engine)
    try:
        _run(app, sock)
    finally:
        if events is not None:
            events.close()


if __name__ == "__main__":
    main()
