"""Differential run: the same request sequences to the stateful mock and to the real service,
compared on status, the headers the spec names, and body shape; every difference is fixed or
allowed below with its reason. Prints the agreement rate; exits non-zero on a difference that
is not allowed.

    python mocks/tools/differential.py [--sequences N] [--seed S] [--mock-flag=--FLAG ...]

The sequences are drawn (seeded) from what a consumer does: create, read, list with filters
and paging, patch with and without If-Match, delete, and what a careless client sends (a
missing key, a wrong media type, a bad id, a duplicate, HEAD, a trailing slash, an
X-Request-ID, a lenient Accept, an oversized body).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from processes import start_mock, start_service

from rooms_mock.engine import MockEngine
from rooms_mock.spec import bundled_spec_path

KEY = "differential-key"
ROOM = {
    "name": "Room in Gràcia",
    "price": 3500,
    "currency": "EUR",
    "recurrence": "daily",
    "provider": "stays.example",
    "area": {"name": "Gràcia", "city": "Barcelona", "country": "ES"},
}
CITIES = ("Barcelona", "Madrid", "Lisboa")
MISSING = "0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e99"
# (step kind, aspect) -> why the mock may differ there.
ALLOWED: dict[tuple[str, str], str] = {
    ("delete", "header content-type"): "the service labels its empty 204 application/json; "
    "an answer without a body needs no media type",
}


@dataclass
class Step:
    kind: str
    method: str
    path: str  # may hold {room} (the room created last, on each side)
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


def _json(value: Any, **headers: str) -> tuple[bytes, dict[str, str]]:
    return json.dumps(value).encode(), {"content-type": "application/json", **headers}


def sequence(rng: random.Random, number: int) -> list[Step]:
    key = {"x-api-key": KEY}
    url = f"https://stays.example/r/{number}"
    room = {**ROOM, "url": url, "area": {**ROOM["area"], "city": rng.choice(CITIES)}}
    body, headers = _json(room, **key)
    steps = [Step("create", "POST", "/rooms", headers=headers, body=body)]
    choices: list[Callable[[], Step]] = [
        lambda: Step("read", "GET", "/rooms/{room}"),
        lambda: Step("read missing", "GET", f"/rooms/{MISSING}"),
        lambda: Step("read bad id", "GET", "/rooms/not-a-uuid"),
        lambda: Step("list", "GET", "/rooms", f"limit={rng.randint(1, 3)}"),
        lambda: Step("list city", "GET", "/rooms", f"city={rng.choice(CITIES)}"),
        lambda: Step("list bad limit", "GET", "/rooms", "limit=0"),
        lambda: Step(
            "patch",
            "PATCH",
            "/rooms/{room}",
            headers={"content-type": "application/merge-patch+json", **key},
            body=json.dumps({"price": rng.randint(100, 9000)}).encode(),
        ),
        lambda: Step(
            "patch stale",
            "PATCH",
            "/rooms/{room}",
            headers={"content-type": "application/merge-patch+json", "if-match": '"stale"', **key},
            body=b'{"price": 10}',
        ),
        lambda: Step(
            "patch media",
            "PATCH",
            "/rooms/{room}",
            headers={"content-type": "text/plain", **key},
            body=b"price=1",
        ),
        lambda: Step("create duplicate", "POST", "/rooms", headers=headers, body=body),
        lambda: Step(
            "create invalid",
            "POST",
            "/rooms",
            headers=headers,
            body=json.dumps({**room, "price": -1}).encode(),
        ),
        lambda: Step(
            "create no key",
            "POST",
            "/rooms",
            headers={"content-type": "application/json"},
            body=body,
        ),
        lambda: Step("head", "HEAD", "/rooms/{room}"),
        lambda: Step("trailing slash", "GET", "/rooms/"),
        lambda: Step("request id", "GET", "/rooms", "limit=0", headers={"x-request-id": "r-1"}),
        lambda: Step("lenient accept", "GET", "/rooms/{room}", headers={"accept": "text/html"}),
        lambda: Step(
            "too large",
            "POST",
            "/rooms",
            headers=headers,
            body=json.dumps({**room, "description": "x" * 70_000}).encode(),
        ),
        lambda: Step("health", "GET", "/health"),
    ]
    steps += [rng.choice(choices)() for _ in range(rng.randint(4, 9))]
    steps.append(Step("delete", "DELETE", "/rooms/{room}", headers=key))
    steps.append(Step("read deleted", "GET", "/rooms/{room}"))
    return steps


def shape(answer: Answer) -> Any:
    """What is compared of a body: keys (and a problem's type), not values."""
    value = answer.json()
    if isinstance(value, dict):
        found: dict[str, Any] = {"keys": sorted(value)}
        if "type" in value and "status" in value:
            found["problem"] = value["type"]
        if isinstance(value.get("items"), list):
            found["items"] = len(value["items"])
        return found
    return type(value).__name__


def compare(step: Step, mock: Answer, real: Answer, named: set[str]) -> list[str]:
    if "x-request-id" not in step.headers:
        # Allowed: the service makes up an X-Request-ID (and names it in problems) to find the
        # request in its logs; the mock has no such logs, and echoes only the client's.
        named = named - {"x-request-id"}
        real = Answer(real.status, real.headers, _without_request_id(real.body))
    found = []
    if mock.status != real.status:
        found.append(f"status: mock {mock.status}, service {real.status}")
    for header in sorted(named):
        if (header in mock.headers) != (header in real.headers):
            found.append(f"header {header}: mock {'has' if header in mock.headers else 'lacks'} it")
    if mock.status == real.status and shape(mock) != shape(real):
        found.append(f"body: mock {shape(mock)}, service {shape(real)}")
    return [f for f in found if (step.kind, f.split(":", 1)[0]) not in ALLOWED]


def _without_request_id(body: bytes) -> bytes:
    try:
        value = json.loads(body) if body else None
    except ValueError:
        return body
    if isinstance(value, dict) and "request_id" in value:
        del value["request_id"]
        return json.dumps(value).encode()
    return body


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sequences", type=int, default=25)
    options.add_argument("--seed", type=int, default=0)
    options.add_argument(
        "--mock-flag",
        action="append",
        default=[],
        help="an extra rooms-mock flag (to show the run catches a mock that differs)",
    )
    args = options.parse_args()
    engine = MockEngine.from_path(bundled_spec_path())
    # Headers the spec names in any response, compared by presence; plus the service's own.
    named = {
        h.lower() for op in engine.operations for r in op.responses.values() for h in r.headers
    }
    named |= {"x-request-id", "content-type"}
    rng = random.Random(args.seed)
    steps = [step for number in range(args.sequences) for step in sequence(rng, number)]
    differences: list[str] = []
    with ExitStack() as stack, tempfile.TemporaryDirectory() as work:
        clients = {
            "mock": httpx.Client(base_url=start_mock(stack, KEY, *args.mock_flag), timeout=30),
            "service": httpx.Client(base_url=start_service(stack, Path(work), KEY), timeout=30),
        }
        for client in clients.values():
            stack.enter_context(client)
        rooms = {"mock": MISSING, "service": MISSING}
        for index, step in enumerate(steps):
            answers = {}
            for side in ("mock", "service"):
                path = step.path.replace("{room}", rooms[side])
                url = path + (f"?{step.query}" if step.query else "")
                got = clients[side].request(
                    step.method, url, headers=step.headers, content=step.body
                )
                answer = Answer(
                    got.status_code, {k.lower(): v for k, v in got.headers.items()}, got.content
                )
                if step.kind == "create" and answer.status == 201:
                    rooms[side] = str(answer.json()["id"])
                answers[side] = answer
            for difference in compare(step, answers["mock"], answers["service"], named):
                differences.append(
                    f"step {index} {step.kind} ({step.method} {step.path}): {difference}"
                )
    agreeing = len(steps) - len({d.split(" (", 1)[0] for d in differences})
    print(f"differential: {len(steps)} requests, {agreeing} agree ({agreeing / len(steps):.1%})")
    for line in differences:
        print(f"  {line}")
    for (kind, aspect), why in ALLOWED.items():
        print(f"  allowed: {kind} {aspect}: {why}")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
