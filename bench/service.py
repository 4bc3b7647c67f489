"""Throughput and latency of the rooms service against plain Flask on the same rooms.

Both run under uvicorn (one worker) on one SQLite file; wrk drives GET /rooms/{id} and
POST /rooms (a fresh url per request) against each in turn, in one run, and the ratio
rooms/plain is printed. Run with `nox -s bench -- bench/service.py`.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from load import Result, ServerProcess, ensure_wrk, print_table, wrk

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


def main() -> None:
    ensure_wrk()
    duration = int(os.environ.get("BENCH_SECONDS", "8"))
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "ROOMS_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "ROOMS_API_KEYS": API_KEY,
            "ROOMS_LOG_LEVEL": "WARNING",
            "ROOMS_AMQP_URL": "",
        }
        room_id = seed(env)
        body = json.dumps({**ROOM, "url": "https://bench.example/r/"})
        servers = {
            "rooms (connexion, validation on)": "rooms.entrypoints.asgi:create_app_from_env",
            "plain Flask": "plain_flask_app:create_app",
        }
        results: list[Result] = []
        for label, factory in servers.items():
            with ServerProcess(factory, env=env, cwd=Path(__file__).parent) as server:
                results.append(
                    wrk(label, "GET /rooms/{id}", f"{server.url}/rooms/{room_id}", duration)
                )
                results.append(
                    wrk(
                        label,
                        "POST /rooms",
                        f"{server.url}/rooms",
                        duration,
                        post_body=body,
                        api_key=API_KEY,
                    )
                )
    print_table(results, baseline="plain Flask")


def seed(env: dict[str, str]) -> str:
    settings = Settings.from_env(env)
    injector = bootstrap(settings)
    from rooms.entrypoints.room_json import draft_from_json

    room = injector.get(RoomService).create(
        draft_from_json({**ROOM, "url": "https://bench.example/seed"})
    )
    return str(room.id)


if __name__ == "__main__":
    main()
