"""The baseline for bench/service.py: plain Flask serving the same rooms from the same database.

Same service layer, storage and JSON mapping as rooms, none of the contract machinery
(no connexion routing, validation, security middleware or problem documents), so the
ratio measures what the contract costs per request.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from a2wsgi import WSGIMiddleware
from flask import Flask, request

from rooms.adapters.repository import RoomFilter
from rooms.bootstrap import bootstrap
from rooms.config import Settings
from rooms.entrypoints.room_json import draft_from_json, room_to_json
from rooms.service_layer.room_service import RoomService


def create_app() -> Any:
    settings = Settings.from_env()
    service = bootstrap(settings).get(RoomService)
    app = Flask(__name__)

    @app.get("/rooms/<room_id>")
    def get_room(room_id: str) -> Any:
        room = service.get(uuid.UUID(room_id))
        return room_to_json(room), 200, {"ETag": room.etag}

    @app.get("/rooms")
    def list_rooms() -> Any:
        where = RoomFilter(city=request.args.get("city"))
        page = service.list(where, after=None, limit=int(request.args.get("limit", 20)))
        return {"items": [room_to_json(room) for room in page.items]}, 200

    @app.post("/rooms")
    def create_room() -> Any:
        if request.headers.get("X-API-Key") not in settings.api_keys:
            return {"title": "Unauthorized"}, 401
        room = service.create(draft_from_json(request.get_json()))
        return room_to_json(room), 201, {"Location": f"/rooms/{room.id}", "ETag": room.etag}

    # The same WSGI-to-ASGI bridge connexion's FlaskApp uses, under the same uvicorn.
    return WSGIMiddleware(app, workers=int(os.environ.get("BENCH_WSGI_THREADS", "10")))
