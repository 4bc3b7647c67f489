"""Throughput and latency of the rooms service against its reference apps, in one run.

All run at once under uvicorn (one worker each) on one database, and wrk (10 connections)
drives GET /rooms/{id}, the filtered list GET /rooms?city=..&limit=20 and POST /rooms (a
fresh url per request) against each in turn, BENCH_ROUNDS times (default 3), the order
rotating: a shared machine drifts, and alternating short runs puts both sides of a ratio
in the same conditions. Medians are printed, then each round's ratio (the spread).
- "connexion ceiling" (bench/connexion_ceiling_app.py): connexion 3 on the same contract,
  validation and API-key check on, constant handlers: the framework's ceiling.
- "connexion ceiling, rooms' config": the same with rooms' validators and compact JSON, so
  what connexion's configuration buys is told apart from what rooms' own code costs.
- "starlette+sqlite3" (bench/starlette_sqlite_app.py): the same SELECTs/INSERT with the stdlib
  sqlite3 and no contract: the storage floor.
- "plain Flask" (bench/plain_flask_app.py): rooms' own service layer without connexion.
BENCH_SECONDS sets each measurement's length (default 4); BENCH_POSTGRES_URL runs on a fresh
PostgreSQL database instead (the floor is then left out); BENCH_SERVERS picks servers by
label ("|"-separated). bench/service_cpu.py measures the same ratios as CPU per request,
which a busy machine disturbs less. Run with `nox -s bench -- bench/service.py` (wrk comes
from Debian: `apt-get install -y wrk`; bench/load.py installs it when it can).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from load import Result, ServerProcess, ensure_wrk, print_round_ratios, print_table, wrk

from rooms.adapters.database import make_engine, upgrade
from rooms.bootstrap import bootstrap
from rooms.config import Settings
from rooms.service_layer.room_service import RoomService

API_KEY = "bench-api-key-1"
ROOM = {
    "name": "Bench room",
    "description": "Seeded for the benchmark.",
    "price": 85000,
    "monthly_price": 85000,
    "currency": "EUR",
    "recurrence": "monthly",
    "provider": "bench.example",
    "property_size": 14,
    "area": {"name": "Centre", "city": "Lisbon", "country": "PT"},
    "coordinates": {"lat": 38.7, "lon": -9.1},
    "images": [{"url": "https://bench.example/img/1.jpg"}],
    "is_visible": True,
}
SEEDED = 30
PAGE = 20
CONNECTIONS = 10
SERVICE = "rooms (connexion, validation on)"
CEILING = "connexion ceiling"
TUNED_CEILING = "connexion ceiling, rooms' config"
FLOOR = "starlette+sqlite3"
SERVERS = {
    SERVICE: "rooms.entrypoints.asgi:create_app_from_env",
    CEILING: "connexion_ceiling_app:create_app",
    TUNED_CEILING: "connexion_ceiling_app:create_tuned_app",
    FLOOR: "starlette_sqlite_app:create_app",
    "plain Flask": "plain_flask_app:create_app",
}


def main() -> None:
    ensure_wrk()
    duration = int(os.environ.get("BENCH_SECONDS", "4"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    only = os.environ.get("BENCH_SERVERS")  # labels, "|"-separated: "connexion ceiling|..."
    servers = {k: v for k, v in SERVERS.items() if not only or k in only.split("|")}
    postgres = os.environ.get("BENCH_POSTGRES_URL")  # e.g. postgresql://postgres@127.0.0.1/test
    if postgres:  # the Starlette floor speaks SQLite only
        servers.pop(FLOOR, None)
    with tempfile.TemporaryDirectory() as folder, database(postgres, folder) as url:
        env = bench_env(url)
        room_id = seed(env)
        body = json.dumps({**ROOM, "url": "https://bench.example/r/"})
        with contextlib.ExitStack() as stack:
            urls = {
                label: stack.enter_context(
                    ServerProcess(factory, env=env, cwd=Path(__file__).parent)
                ).url
                for label, factory in servers.items()
            }
            results = measure_interleaved(urls, room_id, body, duration, rounds)
    print_table(results, baseline=(CEILING, TUNED_CEILING, FLOOR))
    print_round_ratios(results, baseline=(CEILING, TUNED_CEILING, FLOOR))


def measure_interleaved(
    urls: dict[str, str], room_id: str, body: str, duration: int, rounds: int
) -> list[Result]:
    """Each request against every server in turn, `rounds` times, the order rotating.

    A shared machine drifts over a run; alternating servers in short runs puts each
    ratio's two sides in the same conditions, and the medians drop the outliers.
    """
    labels = list(urls)
    results: list[Result] = []
    for request in REQUESTS:
        for round_number in range(rounds):
            shift = round_number % len(labels)
            for label in labels[shift:] + labels[:shift]:
                results.append(measure(request, label, urls[label], room_id, body, duration))
    return results


def bench_env(database_url: str) -> dict[str, str]:
    """The environment every benchmarked server runs in: `database_url`, a key, no broker."""
    return {
        **os.environ,
        "ROOMS_DATABASE_URL": database_url,
        "ROOMS_API_KEYS": API_KEY,
        "ROOMS_LOG_LEVEL": "WARNING",
        "ROOMS_AMQP_URL": "",
    }


@contextlib.contextmanager
def database(postgres: str | None, folder: str) -> Iterator[str]:
    """A SQLite file in `folder`, or a fresh PostgreSQL database dropped afterwards."""
    if not postgres:
        yield f"sqlite:///{folder}/bench.sqlite3"
        return
    from sqlalchemy import create_engine, text

    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        base = postgres.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        yield f"{base}/{name}"
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


REQUESTS = ("GET /rooms/{id}", "GET /rooms?city", "POST /rooms")


def measure(request: str, label: str, url: str, room_id: str, body: str, duration: int) -> Result:
    if request == "GET /rooms/{id}":
        return wrk(label, request, f"{url}/rooms/{room_id}", duration, connections=CONNECTIONS)
    if request == "GET /rooms?city":
        list_url = f"{url}/rooms?city=Lisbon&limit={PAGE}"
        return wrk(label, request, list_url, duration, connections=CONNECTIONS)
    return wrk(
        label,
        request,
        f"{url}/rooms",
        duration,
        post_body=body,
        api_key=API_KEY,
        connections=CONNECTIONS,
    )


def seed(env: dict[str, str]) -> str:
    """SEEDED rooms in Lisbon (so the list fills a page); the id of the first."""
    settings = Settings.from_env(env)
    engine = make_engine(settings.database_url)
    upgrade(engine)  # the service migrates SQLite on start, PostgreSQL only through `rooms db`
    engine.dispose()
    injector = bootstrap(settings)
    from rooms.entrypoints.room_json import draft_from_json

    service = injector.get(RoomService)
    ids = [
        service.create(draft_from_json({**ROOM, "url": f"https://bench.example/seed/{n}"})).id
        for n in range(SEEDED)
    ]
    return str(ids[0])


if __name__ == "__main__":
    main()
