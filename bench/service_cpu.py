"""CPU per request of the rooms service against connexion's ceiling, in one process, no sockets.

bench/service.py measures throughput with wrk, which a shared two-core machine disturbs
(another job's load moves both sides of a ratio differently). This measures what the
ratio is made of: each app (rooms, the connexion ceiling, the ceiling with rooms' own
connexion configuration) is called through ASGI directly, one request after another, and
the process's CPU time per request is taken; rounds alternate between the apps. The
a2wsgi thread hop and every middleware stay in; only the network and the server are out.
SQLite by default; BENCH_POSTGRES_URL uses a fresh PostgreSQL database. BENCH_REQUESTS sets
the requests per round (default 400), BENCH_ROUNDS the rounds (default 3).
Run with `nox -s bench -- bench/service_cpu.py`.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from service import (
    API_KEY,
    CEILING,
    ROOM,
    SERVERS,
    SERVICE,
    TUNED_CEILING,
    bench_env,
    database,
    seed,
)

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
APPS = (SERVICE, CEILING, TUNED_CEILING)
REQUESTS = ("GET /rooms/{id}", "GET /rooms?city", "POST /rooms")


def _load(target: str) -> App:
    module, function = target.split(":")
    app: App = getattr(importlib.import_module(module), function)()
    return app


def _scope(method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]]) -> Any:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"*/*"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _call(app: App, scope: Any, body: bytes = b"") -> int:
    sent = False
    status: list[int] = []

    async def receive() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # no disconnect while the app runs

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


async def _one(app: App, request: str, room_id: str, post: bytes) -> None:
    if request == "GET /rooms/{id}":
        status = await _call(app, _scope("GET", f"/rooms/{room_id}", b"", []))
    elif request == "GET /rooms?city":
        status = await _call(app, _scope("GET", "/rooms", b"city=Lisbon&limit=20", []))
    else:
        body = post.replace(b"/r/", f"/r/{uuid.uuid4().hex}/".encode())
        headers = [
            (b"content-type", b"application/json"),
            (b"x-api-key", API_KEY.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        status = await _call(app, _scope("POST", "/rooms", b"", headers), body)
    if status not in (200, 201):
        raise RuntimeError(f"{request} answered {status}: the figures would mean nothing")


async def _measure(apps: dict[str, App], room_id: str, count: int, rounds: int) -> None:
    post = json.dumps({**ROOM, "url": "https://bench.example/r/"}).encode()
    print(f"\n{'app':<36} {'request':<18} {'CPU us/request':>15}   rounds")
    for request in REQUESTS:
        cpu: dict[str, list[float]] = {label: [] for label in apps}
        for round_number in range(rounds):
            labels = list(apps)
            shift = round_number % len(labels)
            for label in labels[shift:] + labels[:shift]:
                for _ in range(count // 8):  # warm-up
                    await _one(apps[label], request, room_id, post)
                started = time.process_time()
                for _ in range(count):
                    await _one(apps[label], request, room_id, post)
                cpu[label].append((time.process_time() - started) / count * 1e6)
        for label, figures in cpu.items():
            spread = ", ".join(f"{f:.0f}" for f in figures)
            print(f"{label:<36} {request:<18} {statistics.median(figures):>15.0f}   {spread}")
        for baseline in (CEILING, TUNED_CEILING):
            ratio = statistics.median(cpu[baseline]) / statistics.median(cpu[SERVICE])
            print(f"{request}: {SERVICE} / {baseline} (CPU, as throughput) = {ratio:.2f}x")


def main() -> None:
    count = int(os.environ.get("BENCH_REQUESTS", "400"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as folder, database(postgres, folder) as url:
        os.environ.update(bench_env(url))  # the apps are built here, from this environment
        room_id = seed(dict(os.environ))
        apps = {label: _load(SERVERS[label]) for label in APPS}
        try:
            asyncio.run(_measure(apps, room_id, count, rounds))
        finally:
            close = getattr(apps[SERVICE], "close", None)
            if close is not None:  # the database is dropped next: give its connections back
                close()


if __name__ == "__main__":
    main()
