"""`rooms-mock`'s options: each documented with its default, each value checked with a reason."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from rooms_mock.asgi import Latency
from rooms_mock.control import CONTROL_PREFIX

EPILOG = f"""\
Also: rooms-mock proxy SPEC UPSTREAM, a validating proxy (rooms-mock proxy --help).

The spec: SPEC if given, else $ROOMS_MOCK_SPEC, else the bundled rooms contract (never a file
that happens to be in the current directory).

Request headers (as in Prism):
  Prefer: code=404             answer the documented 404
  Prefer: example=NAME         answer that named example of the chosen response
  Prefer: dynamic=true|false   draw the body from the schema (or not) for this request

Control endpoints (not part of any spec):
  POST   {CONTROL_PREFIX}reset      back to the --state items, or empty (--stateful)
  GET    {CONTROL_PREFIX}requests   the request journal as JSON; DELETE clears it
  GET    {CONTROL_PREFIX}state      the stored items by collection (the shape --state reads)

Environment variables:
  ROOMS_MOCK_SPEC   the spec to serve when no SPEC argument is given

Requests that break the contract get the documented 4xx listing every violation; the
violations are also in the x-mock-violations response header and in the log line.
"""


def _latency(text: str) -> Latency:
    try:
        return Latency.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _bounded_int(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            upper = f" and {high}" if high is not None else ""
            between = f"between {low}{upper}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"{value} is out of range: want a number {between}")
        return value

    return parse


def _base_path(text: str) -> str:
    if not text.startswith("/") or any(c in text for c in "?#{} "):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a URL path: want one that starts with / (like /api, or / for none)"
        )
    return text


class _Version(argparse.Action):
    """`--version`, looked up only when asked: reading the installed metadata costs start-up."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from importlib import metadata

        try:
            version = metadata.version("rooms-mock")
        except metadata.PackageNotFoundError:
            version = "unknown (not installed)"
        print(f"{parser.prog} {version}")
        parser.exit()


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Each option's default beside it, unless it has none worth saying; the epilog's layout kept."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        silent = action.default is None or action.default is False or action.default == []
        if "default" in text or silent or action.default == argparse.SUPPRESS:
            return text
        return f"{text} (default: %(default)s)"


def parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(
        prog="rooms-mock",
        description="Serve an OpenAPI 3 spec as a validating mock server (Prism's Prefer).",
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    found.add_argument(
        "spec",
        nargs="?",
        type=Path,
        help="the OpenAPI 3 document, YAML or JSON (default: $ROOMS_MOCK_SPEC, else the "
        "bundled rooms contract)",
    )
    found.add_argument("--version", action=_Version)
    found.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    found.add_argument(
        "--port", type=_bounded_int(0, 65535), default=4010, help="0 picks a free port"
    )
    found.add_argument(
        "--base-path",
        type=_base_path,
        metavar="PATH",
        help="serve the paths under PATH (default: the path of the spec's first server URL)",
    )
    found.add_argument("--seed", type=_bounded_int(0), default=0, help="seed of dynamic data")
    found.add_argument("--dynamic", action="store_true", help="bodies drawn from the schemas")
    found.add_argument(
        "--stateful", action="store_true", help="POST creates, GET/PATCH/PUT/DELETE see it"
    )
    found.add_argument(
        "--latency", type=_latency, metavar="MS|MIN-MAX", help="delay every answer (milliseconds)"
    )
    found.add_argument("--cors", action="store_true", help="answer browsers' CORS requests")
    found.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="KEY",
        help="accept only this key (repeatable); without it any non-empty key is accepted",
    )
    found.add_argument(
        "--unique",
        action="append",
        default=[],
        metavar="MEMBER",
        help="a member unique among a resource's items (stateful; repeatable)",
    )
    found.add_argument(
        "--max-body-bytes",
        type=_bounded_int(1),
        default=64 * 1024,
        metavar="N",
        help="larger request bodies get the documented 413",
    )
    found.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="stateful: start from these items (JSON, as GET /__mock__/state answers)",
    )
    found.add_argument("--no-reload", action="store_true", help="ignore changes to the spec")
    found.add_argument(
        "--amqp-url",
        metavar="URL",
        help="publish the events of writes (stateful) and on demand to RabbitMQ "
        "(needs rooms-mock[events]); `rooms-mock publish -h` publishes from the shell",
    )
    found.add_argument(
        "--events-exchange",
        metavar="NAME",
        help="publish on this exchange instead of the contract's (tests sharing a broker)",
    )
    found.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log request and response bodies too (one line per request by default)",
    )
    found.add_argument(
        "-q",
        "--quiet",
        action="count",
        default=0,
        help="log only requests that break the contract; -qq logs no request",
    )
    return found


def proxy_parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(
        prog="rooms-mock proxy",
        description="A validating proxy (like `prism proxy`): forwards every request to "
        "UPSTREAM and checks the request and the response against SPEC. Violations are "
        "logged, journaled (GET /__mock__/requests) and named in the x-mock-violations header.",
        formatter_class=_Formatter,
    )
    found.add_argument("spec", type=Path, help="the OpenAPI 3 document, YAML or JSON")
    found.add_argument("upstream", help="the real environment's base URL, like http://host:8000")
    found.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    found.add_argument(
        "--port", type=_bounded_int(0, 65535), default=4010, help="0 picks a free port"
    )
    found.add_argument(
        "--base-path",
        type=_base_path,
        metavar="PATH",
        help="the spec's paths are under PATH (default: the path of its first server URL)",
    )
    found.add_argument(
        "--errors",
        action="store_true",
        help="refuse a request that breaks the contract (not forwarded) and turn a response "
        "that breaks it into a 502 problem naming the violations",
    )
    found.add_argument(
        "--timeout",
        type=_bounded_int(1, 3600),
        default=30,
        metavar="SECONDS",
        help="how long to wait for UPSTREAM before answering 504",
    )
    found.add_argument(
        "--max-body-bytes",
        type=_bounded_int(1),
        default=64 * 1024,
        metavar="N",
        help="larger request bodies get the documented 413, not forwarded",
    )
    found.add_argument("-v", "--verbose", action="count", default=0, help="log bodies too")
    found.add_argument(
        "-q", "--quiet", action="count", default=0, help="log only violations; -qq nothing"
    )
    return found
