"""GET /rooms's storage path at scale: first page and a deep page, small table against large.

Seeds SCALE_SMALL (10,000) and SCALE_LARGE (default 200,000; the issue's aim is 1,000,000,
`SCALE_LARGE=1000000`) rooms straight into two databases (COPY or executemany: seconds,
not minutes), then times RoomService.list (the query, the row mapping, the keyset cursor)
for the first page and for a page after the middle of the listing, filtered by city and
not, the two sizes taking turns call by call, and prints p50/p99 per size, the large/small
ratios, and the query plans (with ANALYZE and buffer counts on PostgreSQL). SQLite by
default; SCALE_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1/test) uses two fresh
PostgreSQL databases there, dropped afterwards.
Run with `nox -s bench -- bench/scale.py`.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
    not what is measured. Against SQLAlchemy's insert() of 5000-row lists, 100k rooms on a
    busy machine: PostgreSQL 7.0 s -> 3.1 s (COPY), SQLite 5.7 s -> 4.5 s."""
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


@dataclass(frozen=True)
class Table:
    """A seeded database: its engine, the service on it, and the position after its middle."""

    count: int
    engine: Engine
    service: RoomService
    deep: Position


def prepare(url: str, count: int) -> Table:
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
    service = bootstrap(Settings.from_env({"ROOMS_DATABASE_URL": url})).get(RoomService)
    return Table(count, engine, service, Position(created_at=middle.created_at, room_id=middle.id))


def queries(table: Table) -> dict[str, Callable[[], object]]:
    city = RoomFilter(city="Porto", visible=True)
    service, deep = table.service, table.deep
    return {
        "first page": lambda: service.list(RoomFilter(), after=None, limit=20),
        "deep page": lambda: service.list(RoomFilter(), after=deep, limit=20),
        "city, first page": lambda: service.list(city, after=None, limit=20),
        "city, deep page": lambda: service.list(city, after=deep, limit=20),
    }


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[98]


def measure(tables: list[Table]) -> dict[str, list[tuple[float, float]]]:
    """p50 and p99 (ms) per query and table. The tables take turns call by call, so that
    whatever else the machine does in the meantime falls on both alike: the ratio between
    them is the figure, and a small and a large run minutes apart compared noise with noise."""
    calls = [queries(table) for table in tables]
    figures = {}
    for query in calls[0]:
        samples: list[list[float]] = [[] for _ in tables]
        for _ in range(REPEATS):
            for index, table_calls in enumerate(calls):
                began = time.perf_counter()
                table_calls[query]()
                samples[index].append((time.perf_counter() - began) * 1000)
        figures[query] = [percentiles(each) for each in samples]
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
    with contextlib.ExitStack() as stack:
        tables = []
        for count in (small, large):
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            tables.append(prepare(stack.enter_context(database(postgres, folder)), count))
        figures = measure(tables)
        for table in tables:
            print(f"{table.count} rooms:", file=sys.stderr)
            explain(table.engine, table.deep)
            table.engine.dispose()
    print(f"\n{'query':<18} {'rooms':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for query, (low, high) in figures.items():
        for count, (p50, p99) in ((small, low), (large, high)):
            print(f"{query:<18} {count:>9} {p50:>8.2f} {p99:>8.2f}")
        ratios = f"p50 {high[0] / low[0]:.2f}x, p99 {high[1] / low[1]:.2f}x"
        print(f"{query:<18} {large}/{small}: {ratios}")


if __name__ == "__main__":
    main()
