"""Operation functions for /rooms: thin, they translate HTTP to service calls and back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import request
from injector import Inject

from rooms.adapters.repository import Position, RoomFilter
from rooms.domain.errors import InvalidRoom
from rooms.domain.model import Room, RoomDraft
from rooms.entrypoints.openapi_schema import CompiledSchema
from rooms.entrypoints.room_json import JsonObject, draft_from_json, draft_to_json, room_to_json
from rooms.service_layer.merge_patch import apply_merge_patch
from rooms.service_layer.room_service import RoomService

Answer = tuple[Any, int, dict[str, str]]


def _json(body: JsonObject, status: int, **headers: str) -> Answer:
    # Operations declare application/json and application/problem+json, so connexion
    # needs to be told which one a successful answer is.
    return body, status, {"Content-Type": "application/json", **headers}


class RoomInputSchema(CompiledSchema):
    """The contract's RoomInput schema, compiled once and injected where a whole room is checked."""


def create_room(body: JsonObject, service: Inject[RoomService]) -> Answer:
    room = service.create(draft_from_json(body))
    return _json(room_to_json(room), 201, Location=f"/rooms/{room.id}", ETag=room.etag)


def get_room(room_id: str, service: Inject[RoomService]) -> Answer:
    room = service.get(uuid.UUID(room_id))
    return _json(room_to_json(room), 200, ETag=room.etag)


def list_rooms(
    service: Inject[RoomService],
    city: str | None = None,
    country: str | None = None,
    provider: str | None = None,
    min_price: int | None = None,
    max_price: int | None = None,
    visible: bool | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> Answer:
    where = RoomFilter(city, country, provider, min_price, max_price, visible)
    page = service.list(where, after=decode_cursor(cursor), limit=limit)
    body: JsonObject = {"items": [room_to_json(room) for room in page.items]}
    if page.next is None:
        return _json(body, 200)
    body["next"] = encode_cursor(page.next)
    query = {k: v for k, v in request.args.items() if k != "cursor"}
    query["cursor"] = body["next"]
    return _json(body, 200, Link=f'</rooms?{urlencode(query)}>; rel="next"')


def update_room(
    room_id: str,
    body: JsonObject,
    service: Inject[RoomService],
    room_input: Inject[RoomInputSchema],
) -> Answer:
    def change(current: Room) -> RoomDraft:
        patched = apply_merge_patch(draft_to_json(current), body)
        # The patch alone was checked against RoomPatch; the result must be a whole room.
        violations = room_input.violations(patched, where="body")
        if violations:
            raise InvalidRoom([v.as_json() for v in violations])
        return draft_from_json(patched)

    room = service.update(uuid.UUID(room_id), change, if_match=request.headers.get("If-Match"))
    return _json(room_to_json(room), 200, ETag=room.etag)


def delete_room(room_id: str, service: Inject[RoomService]) -> Answer:
    service.delete(uuid.UUID(room_id), if_match=request.headers.get("If-Match"))
    return None, 204, {}


def encode_cursor(position: Position) -> str:
    millis = int(position.created_at.timestamp() * 1000)
    return f"{millis}.{position.room_id.hex}"


def decode_cursor(cursor: str | None) -> Position | None:
    """The spec's pattern has already checked the shape, so every cursor that gets here decodes."""
    if cursor is None:
        return None
    millis, hex_id = cursor.split(".")
    created_at = datetime.fromtimestamp(int(millis) / 1000, tz=UTC)
    return Position(created_at=created_at, room_id=uuid.UUID(hex=hex_id))
