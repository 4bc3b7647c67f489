"""The framework's ceiling for bench/service.py: connexion 3 on the project's own contract.

A `FlaskApp` serving contracts/openapi.yaml with request validation and the API-key check
on, whose handlers return a constant room and touch no storage. What rooms costs above
this is its own (storage, mapping, injection); what this costs is connexion's.
"""

from __future__ import annotations

import uuid
from typing import Any

from connexion import FlaskApp
from connexion.resolver import Resolver

from rooms.config import Settings
from rooms.contract_files import openapi_path
from rooms.entrypoints.api_keys import api_key_handler_factory

ROOM: dict[str, Any] = {
    "id": "7c1c2a7e-8a55-4d47-9d0e-0c2f5b3f1a11",
    "version": 1,
    "created_at": "2026-01-01T00:00:00.000Z",
    "updated_at": "2026-01-01T00:00:00.000Z",
    "name": "Bench room",
    "description": "A constant room.",
    "price": 85000,
    "monthly_price": 85000,
    "currency": "EUR",
    "recurrence": "monthly",
    "provider": "bench.example",
    "url": "https://bench.example/constant",
    "property_size": 14,
    "area": {"name": "Centre", "city": "Lisbon", "country": "PT"},
    "coordinates": {"lat": 38.7, "lon": -9.1},
    "images": [{"url": "https://bench.example/img/1.jpg"}],
    "is_visible": True,
}
JSON = {"Content-Type": "application/json"}


def get_room(room_id: str) -> Any:
    return ROOM, 200, {**JSON, "ETag": '"1"'}


def list_rooms(limit: int = 20, **_filters: Any) -> Any:
    return {"items": [ROOM] * limit}, 200, JSON


def create_room(body: dict[str, Any]) -> Any:
    room = {**ROOM, **body, "id": str(uuid.uuid4())}
    return room, 201, {**JSON, "Location": f"/rooms/{room['id']}", "ETag": '"1"'}


def _other(**_: Any) -> Any:
    return {"title": "Not benchmarked"}, 501, JSON


_HANDLERS = {"getRoom": get_room, "listRooms": list_rooms, "createRoom": create_room}


def create_app(**options: Any) -> Any:
    """connexion's defaults, or what `options` set (create_tuned_app)."""
    settings = Settings.from_env()
    app = FlaskApp(
        __name__,
        specification_dir=str(openapi_path().parent),
        resolver=Resolver(function_resolver=lambda op: _HANDLERS.get(op, _other)),
        security_map={"apiKey": api_key_handler_factory(settings.api_keys)},
        pythonic_params=True,
        **options,
    )
    app.add_api(openapi_path().name)
    return app


def create_tuned_app() -> Any:
    """The ceiling with rooms' own connexion configuration: its validators, compact JSON.

    What separates this from `create_app` is configuration any connexion app may use;
    what separates rooms from this is rooms' own work (storage, mapping, injection).
    """
    import flask
    from connexion.jsonifier import Jsonifier

    from rooms.entrypoints.request_validation import validator_map

    return create_app(validator_map=validator_map, jsonifier=Jsonifier(flask.json))
