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

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from service import database
from sqlalchemy import Engine, select, text

from rooms.adapters.database import make_engine, upgrade
from rooms.adapters.orm import rooms
from rooms.adapters.repository import Position, RoomFilter
from rooms.bootstrap import bootstrap
from rooms.config import Settings
from rooms.service_layer.room_service import RoomService

CITIES = ("Lisbon", "Porto", "Madrid", "Paris", "Berlin", "Rome", "Vienna", "Prague")
# p99 of 200 samples is the second-worst one: 1000 make it a percentile, at ~1 s a case.
REPEATS = 1000


def rows(count: int) -> Iterator[dict[str, Any]]:
    """`count` rooms spread over CITIES, a second apart in creation, one in ten hidden."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(count):
        yield {
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


def seed(engine: Engine, count: int) -> None:
    """Rooms straight into the table, by the fastest path each database has: seeding is
    not what is measured, and SQLAlchemy's per-row executemany took minutes for 1M."""
    if engine.dialect.name == "postgresql":
        _copy(engine, count)
    else:
        _executemany(engine, count)
    # The planner's statistics (and, on PostgreSQL, the visibility map) as autovacuum or
    # `ANALYZE` would have them on a live table.
    statement = "VACUUM ANALYZE rooms" if engine.dialect.name == "postgresql" else "ANALYZE rooms"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statement))


def _copy(engine: Engine, count: int) -> None:
    """PostgreSQL: one COPY through psycopg (text format; the server parses each value)."""
    columns = [column.name for column in rooms.columns]
    raw = engine.raw_connection()
    try:
        statement = f"COPY rooms ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
            for row in rows(count):
                row["images"] = json.dumps(row["images"])
                copy.write_row([row[name] for name in columns])
        raw.commit()
    finally:
        raw.close()


def _executemany(engine: Engine, count: int) -> None:
    """SQLite: the DB-API's executemany in one transaction, each value turned into what
    the column stores by the column type's own bind processor (so the text forms of
    datetimes and uuids are exactly the service's)."""
    columns = list(rooms.columns)
    processors = [column.type.bind_processor(engine.dialect) for column in columns]
    names = ", ".join(column.name for column in columns)
    sql = f"INSERT INTO rooms ({names}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN")  # the engine's connections run in autocommit (isolation None)
        batch: list[tuple[Any, ...]] = []
        for row in rows(count):
            values = (row[column.name] for column in columns)
            batch.append(tuple(p(v) if p else v for p, v in zip(processors, values, strict=True)))
            if len(batch) == 20_000:
                cursor.executemany(sql, batch)
                batch.clear()
        cursor.executemany(sql, batch)
        cursor.execute("COMMIT")
        cursor.close()
    finally:
        raw.close()


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
    """The plans of the four queries: SQLite's, and PostgreSQL's as it ran (ANALYZE)."""
    sqlite = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN" if sqlite else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)"
    order = "ORDER BY created_at, id LIMIT 21"
    cursor = "(created_at, id) > (:at, :id)"
    city = "area_city = 'Porto' AND is_visible"
    at = deep.created_at.replace(tzinfo=None) if sqlite else deep.created_at
    room_id = deep.room_id.hex if sqlite else deep.room_id
    with engine.connect() as connection:
        for label, where in (
            ("first page", "true"),
            ("deep page", cursor),
            ("city, first page", city),
            ("city, deep page", f"{city} AND {cursor}"),
        ):
            sql = f"{prefix} SELECT * FROM rooms WHERE {where} {order}"  # noqa: S608 (fixed text)
            plan = connection.execute(text(sql), {"at": at, "id": room_id}).all()
            lines = [str(row[-1]).strip() for row in plan]
            print(f"plan, {label}: " + " | ".join(lines), file=sys.stderr)


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
        p50 = results[large][query][0] / results[small][query][0]
        p99 = results[large][query][1] / results[small][query][1]
        print(f"{query:<18} {large}/{small}: p50 {p50:.2f}x, p99 {p99:.2f}x")


if __name__ == "__main__":
    main()
