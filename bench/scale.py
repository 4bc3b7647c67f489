"""GET /rooms's storage path at scale: first page and a deep page, small table against large.

Seeds SCALE_SMALL (10,000) and SCALE_LARGE (default 200,000; the issue's aim is 1,000,000,
`SCALE_LARGE=1000000`) rooms straight into the table, then times RoomService.list (the
query, the row mapping, the keyset cursor) for the first page and for a page after the
middle of the listing, filtered by city and not, and prints p50/p99 per size, the
large/small ratio, and the query plan. SQLite by default; SCALE_POSTGRES_URL (e.g.
postgresql://postgres@127.0.0.1/test) uses a fresh PostgreSQL database, dropped afterwards.
Run with `nox -s bench -- bench/scale.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from service import database
from sqlalchemy import Engine, insert, select, text

from rooms.adapters.database import make_engine, upgrade
from rooms.adapters.orm import rooms
from rooms.adapters.repository import Position, RoomFilter
from rooms.bootstrap import bootstrap
from rooms.config import Settings
from rooms.service_layer.room_service import RoomService

CITIES = ("Lisbon", "Porto", "Madrid", "Paris", "Berlin", "Rome", "Vienna", "Prague")
REPEATS = 200


def seed(engine: Engine, count: int) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    batch = 5000
    with engine.begin() as connection:
        for first in range(0, count, batch):
            rows = [
                {
                    "id": uuid.uuid4(),
                    "url": f"https://scale.example/{n}",
                    "version": 1,
                    "created_at": start + timedelta(seconds=n),
                    "updated_at": start + timedelta(seconds=n),
                    "name": f"Room {n}",
                    "description": "Seeded for the scale benchmark.",
                    "price": 50_000 + n % 100_000,
                    "monthly_price": None,
                    "currency": "EUR",
                    "recurrence": "monthly",
                    "provider": f"p{n % 50}.example",
                    "property_size": None,
                    "area_name": "Centre",
                    "area_city": CITIES[n % len(CITIES)],
                    "area_country": "PT",
                    "lat": None,
                    "lon": None,
                    "images": [],
                    "is_visible": n % 10 != 0,
                }
                for n in range(first, min(first + batch, count))
            ]
            connection.execute(insert(rooms), rows)
    # The planner's statistics, as autovacuum (PostgreSQL) or `ANALYZE` would have them live.
    with engine.begin() as connection:
        connection.execute(text("ANALYZE rooms"))


def timings(call: Callable[[], object]) -> tuple[float, float]:
    samples = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[98]


def measure(url: str, count: int) -> dict[str, tuple[float, float]]:
    engine = make_engine(url)
    upgrade(engine)
    began = time.perf_counter()
    seed(engine, count)
    print(f"seeded {count} rooms in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    with engine.connect() as connection:
        middle = connection.execute(
            select(rooms.c.created_at, rooms.c.id)
            .order_by(rooms.c.created_at, rooms.c.id)
            .offset(count // 2)
            .limit(1)
        ).one()
    deep = Position(created_at=middle.created_at, room_id=middle.id)
    service = bootstrap(Settings.from_env({"ROOMS_DATABASE_URL": url})).get(RoomService)
    city = RoomFilter(city="Porto", visible=True)
    figures = {
        "first page": timings(lambda: service.list(RoomFilter(), after=None, limit=20)),
        "deep page": timings(lambda: service.list(RoomFilter(), after=deep, limit=20)),
        "city, first page": timings(lambda: service.list(city, after=None, limit=20)),
        "city, deep page": timings(lambda: service.list(city, after=deep, limit=20)),
    }
    explain(engine, deep)
    engine.dispose()
    return figures


def explain(engine: Engine, deep: Position) -> None:
    prefix = "EXPLAIN QUERY PLAN" if engine.dialect.name == "sqlite" else "EXPLAIN"
    order = "ORDER BY created_at, id LIMIT 21"
    with engine.connect() as connection:
        for label, where in (
            ("deep page", "(created_at, id) > (:at, :id)"),
            (
                "city, deep page",
                "area_city = 'Porto' AND is_visible AND (created_at, id) > (:at, :id)",
            ),
        ):
            sql = f"{prefix} SELECT * FROM rooms WHERE {where} {order}"  # noqa: S608 (fixed text)
            at = (
                deep.created_at.replace(tzinfo=None)
                if engine.dialect.name == "sqlite"
                else deep.created_at
            )
            room_id = deep.room_id.hex if engine.dialect.name == "sqlite" else deep.room_id
            plan = connection.execute(text(sql), {"at": at, "id": room_id}).all()
            print(f"plan, {label}: " + " | ".join(str(row[-1]) for row in plan))


def main() -> None:
    small = int(os.environ.get("SCALE_SMALL", "10000"))
    large = int(os.environ.get("SCALE_LARGE", "200000"))
    postgres = os.environ.get("SCALE_POSTGRES_URL")
    results = {}
    for count in (small, large):
        with tempfile.TemporaryDirectory() as folder, database(postgres, folder) as url:
            results[count] = measure(url, count)
    print(f"\n{'query':<18} {'rooms':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for query in results[small]:
        for count in (small, large):
            p50, p99 = results[count][query]
            print(f"{query:<18} {count:>9} {p50:>8.2f} {p99:>8.2f}")
        ratio = results[large][query][1] / results[small][query][1]
        print(f"{query:<18} p99 {large}/{small} = {ratio:.2f}x")


if __name__ == "__main__":
    main()
