"""The suite's HTTP writes, seen from the client: which events each one promises, or none.

It hooks into the suite's httpx client (`event_hooks`), so any state machine that writes
through that client has its writes recorded, whatever rules it has.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.contract.events.event_contract import EventContract, MessageContract

# Room members the client does not set; every other member is a field a write can change.
SERVER_SET = frozenset({"id", "version", "created_at", "updated_at"})


@dataclass
class Expected:
    """One event a successful write promises."""

    write: int  # the write's number in this run, from 1
    operation: str
    message: MessageContract
    room_id: str
    version: int | None  # None when the client never saw the room's version
    room: dict[str, Any] | None  # the room the HTTP response showed (create/update)
    before: dict[str, Any] | None  # the room as last seen before this write
    url: str | None  # the room's url, as last seen (for RoomDeleted)
    written_at: float = field(default_factory=time.monotonic)

    def describe(self) -> str:
        version = "?" if self.version is None else self.version
        return (
            f"write #{self.write} {self.operation} of room {self.room_id} (v{version})"
            f" -> {self.message.name} on {self.message.routing_key!r}"
        )


@dataclass
class Silent:
    """A write that must emit nothing: refused (4xx), or a success that changed nothing."""

    write: int
    operation: str
    status: int
    refused: bool
    next_expected: int  # how many events were expected before it: the next one must follow

    def describe(self) -> str:
        why = "refused" if self.refused else "changed nothing"
        return f"write #{self.write} {self.operation} ({self.status}, {why})"


class WriteRecorder:
    def __init__(self, contract: EventContract) -> None:
        self.contract = contract
        self.expected: list[Expected] = []
        self.silent: list[Silent] = []
        self.rooms: dict[str, dict[str, Any]] = {}  # id -> the room as last seen
        self.urls: set[str] = set()  # every url the suite sent, refused or not
        self._writes = itertools.count(1)

    def attach(self, client: httpx.Client) -> None:
        hooks = client.event_hooks
        client.event_hooks = {**hooks, "response": [*hooks.get("response", []), self.observe]}

    def observe(self, response: httpx.Response) -> None:
        request = response.request
        found = self.contract.operation(request.method, request.url.path)
        if found is None:
            return
        operation, params = found
        response.read()
        room = _room_of(response)
        messages = self.contract.emitted_by(operation)
        if not messages:  # a read: remember what it showed
            if room is not None:
                self.rooms[room["id"]] = room
            return
        self._sent_url(request)
        number = next(self._writes)
        room_id = room["id"] if room is not None else params.get("roomId", "")
        before = self.rooms.get(room_id)
        if 400 <= response.status_code < 500:
            self._silent(number, operation, response.status_code, refused=True)
            return
        if not 200 <= response.status_code < 300:
            return  # a server error: the HTTP checks name it; whether it committed is unknown
        if room is not None and before is not None and room["version"] == before["version"]:
            self._silent(number, operation, response.status_code, refused=False)
            return
        for message in messages:
            self.expected.append(
                Expected(
                    write=number,
                    operation=operation,
                    message=message,
                    room_id=room_id,
                    version=room["version"] if room else (before or {}).get("version"),
                    room=room,
                    before=before,
                    url=(room or before or {}).get("url"),
                )
            )
        if room is not None:
            self.rooms[room_id] = room
        elif request.method == "DELETE":
            self.rooms.pop(room_id, None)

    def _silent(self, number: int, operation: str, status: int, *, refused: bool) -> None:
        self.silent.append(Silent(number, operation, status, refused, len(self.expected)))

    def _sent_url(self, request: httpx.Request) -> None:
        try:
            body = json.loads(request.content or b"null")
        except (ValueError, UnicodeDecodeError):
            return
        if isinstance(body, dict) and isinstance(body.get("url"), str):
            self.urls.add(body["url"])


def _room_of(response: httpx.Response) -> dict[str, Any] | None:
    if not 200 <= response.status_code < 300 or not response.content:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and {"id", "version"} <= body.keys():
        return body
    return None
