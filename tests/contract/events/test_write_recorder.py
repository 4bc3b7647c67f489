"""What the recorder makes of each HTTP exchange: an expected event, a silent write, or nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.contract.events.event_contract import EventContract, load_event_contract
from tests.contract.events.write_recorder import WriteRecorder

ROOM_ID = "0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e01"


@pytest.fixture(scope="module")
def contract() -> EventContract:
    return load_event_contract()


def exchange(
    recorder: WriteRecorder, method: str, path: str, status: int, body: Any = None
) -> None:
    request = httpx.Request(method, f"http://provider{path}")
    content = b"" if body is None else json.dumps(body).encode()
    recorder.observe(httpx.Response(status, content=content, request=request))


def room(version: int, price: int) -> dict[str, Any]:
    return {"id": ROOM_ID, "version": version, "price": price, "url": "https://x.example/1"}


def test_a_patch_that_changed_nothing_must_emit_nothing(contract: EventContract) -> None:
    recorder = WriteRecorder(contract)
    exchange(recorder, "POST", "/rooms", 201, room(1, 5))
    exchange(recorder, "PATCH", f"/rooms/{ROOM_ID}", 200, room(1, 5))
    exchange(recorder, "PATCH", f"/rooms/{ROOM_ID}", 200, room(2, 6))
    assert [(e.operation, e.version) for e in recorder.expected] == [
        ("createRoom", 1),
        ("updateRoom", 2),
    ]
    assert [(s.operation, s.refused, s.next_expected) for s in recorder.silent] == [
        ("updateRoom", False, 1)
    ]


def test_a_delete_expects_the_version_and_url_last_seen(contract: EventContract) -> None:
    recorder = WriteRecorder(contract)
    exchange(recorder, "GET", f"/rooms/{ROOM_ID}", 200, room(3, 5))
    exchange(recorder, "DELETE", f"/rooms/{ROOM_ID}", 204)
    (deleted,) = recorder.expected
    assert (deleted.message.name, deleted.version, deleted.url) == (
        "RoomDeleted",
        3,
        "https://x.example/1",
    )


def test_refused_writes_are_silent_and_server_errors_expect_nothing(
    contract: EventContract,
) -> None:
    recorder = WriteRecorder(contract)
    exchange(recorder, "POST", "/rooms", 409, {"status": 409})
    exchange(recorder, "DELETE", f"/rooms/{ROOM_ID}", 500, {"status": 500})
    exchange(recorder, "GET", "/rooms", 200, {"items": []})
    assert recorder.expected == []
    assert [(s.status, s.refused) for s in recorder.silent] == [(409, True)]
