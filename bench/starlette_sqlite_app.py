"""The storage floor for bench/service.py: Starlette and the stdlib sqlite3, no contract.

The same SELECTs and INSERT on the same SQLite file as rooms, one connection per thread,
no validation, mapping or injection: how fast the database path alone can go here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_local = threading.local()
INSERT = (
    "INSERT INTO rooms (id, url, version, created_at, updated_at, name, description, price,"
    " currency, recurrence, provider, area_name, area_city, area_country, images, is_visible)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _db() -> sqlite3.Connection:
    if not hasattr(_local, "db"):
        path = os.environ["ROOMS_DATABASE_URL"].removeprefix("sqlite:///")
        _local.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        _local.db.row_factory = sqlite3.Row
        _local.db.execute("PRAGMA busy_timeout=30000")
    db: sqlite3.Connection = _local.db
    return db


def get_room(request: Request) -> Response:
    room_id = uuid.UUID(request.path_params["room_id"]).hex
    row = _db().execute("SELECT * FROM rooms WHERE id = ?", (room_id,)).fetchone()
    if row is None:
        return JSONResponse({"title": "Not found"}, 404)
    return JSONResponse({**dict(row), "images": json.loads(row["images"])})


def list_rooms(request: Request) -> Response:
    query = "SELECT * FROM rooms WHERE area_city = ? ORDER BY created_at, id LIMIT ?"
    city, limit = request.query_params["city"], int(request.query_params.get("limit", 20))
    rows = _db().execute(query, (city, limit)).fetchall()
    return JSONResponse({"items": [{**dict(r), "images": json.loads(r["images"])} for r in rows]})


async def create_room(request: Request) -> Response:
    body = await request.json()
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    row = (uuid.uuid4().hex, body["url"], 1, now, now, body["name"], body["description"])
    row += (body["price"], body["currency"], body["recurrence"], body["provider"])
    row += (body["area"]["name"], body["area"]["city"], body["area"]["country"])
    row += (json.dumps([i["url"] for i in body["images"]]), body["is_visible"])
    _db().execute(INSERT, row)
    return JSONResponse({**body, "id": row[0]}, 201)


def create_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/rooms/{room_id}", get_room),
            Route("/rooms", list_rooms, methods=["GET"]),
            Route("/rooms", create_room, methods=["POST"]),
        ]
    )
