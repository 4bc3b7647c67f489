"""The request journal, its log lines and `/__mock__/requests`; the state file and
`/__mock__/state`."""

from __future__ import annotations

import asyncio
import io
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import API_KEY, NEW_ROOM, ROOM_ID, SPEC, run_mock
from rooms_mock.asgi import MockApp
from rooms_mock.engine import MockEngine, MockOptions, MockRequest
from rooms_mock.journal import NORMAL, QUIET, SILENT, VERBOSE, Journal
from rooms_mock.state_file import StateError, check_state, read_state

KEY = {"X-API-Key": API_KEY}


def _exchange(app: MockApp, *requests: tuple[str, str, dict[str, Any]]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            return [await client.request(method, url, **kw) for method, url, kw in requests]

    return asyncio.run(run())


def test_the_journal_is_served_as_json_and_cleared() -> None:
    app = MockApp(MockEngine.from_path(SPEC, MockOptions(stateful=True)))
    *_, journal, cleared, empty = _exchange(
        app,
        ("POST", "/rooms", {"json": NEW_ROOM, "headers": KEY}),
        ("GET", "/rooms", {"params": {"limit": "0"}}),
        ("GET", "/__mock__/requests", {}),
        ("DELETE", "/__mock__/requests", {}),
        ("GET", "/__mock__/requests", {}),
    )
    entries = journal.json()
    assert [(e["method"], e["path"], e["operation"], e["status"]) for e in entries] == [
        ("POST", "/rooms", "createRoom", 201),
        ("GET", "/rooms", "listRooms", 400),
    ]
    assert entries[0]["answer"] == "state"
    assert json.loads(entries[0]["request"]["body"])["name"] == NEW_ROOM["name"]
    assert entries[0]["violations"] == []
    assert entries[1]["query"] == "limit=0"
    assert [(v["in"], v["location"], v["rule"]) for v in entries[1]["violations"]] == [
        ("query", "limit", "minimum")
    ]
    assert cleared.status_code == 204
    assert empty.json() == []


def _logged(verbosity: int, *requests: MockRequest) -> list[str]:
    out = io.StringIO()
    journal = Journal(verbosity=verbosity, out=out)
    engine = MockEngine.from_path(SPEC)
    for request in requests:
        journal.record(request, engine.handle(request))
    return out.getvalue().splitlines()


GOOD = MockRequest("GET", f"/rooms/{ROOM_ID}")
BAD = MockRequest("GET", "/rooms", "limit=0")


def test_one_log_line_per_request_naming_operation_answer_and_violations() -> None:
    assert _logged(NORMAL, GOOD, BAD) == [
        f"rooms-mock: GET /rooms/{ROOM_ID} getRoom -> 200 (example centralFlat)",
        "rooms-mock: GET /rooms?limit=0 listRooms -> 400 (problem) violations: "
        "query limit: minimum: 0 is less than the minimum of 1",
    ]


def test_log_levels() -> None:
    assert len(_logged(QUIET, GOOD, BAD)) == 1  # only the violation
    assert _logged(SILENT, GOOD, BAD) == []
    verbose = _logged(VERBOSE, GOOD)
    assert verbose[1].startswith('  response body: {"id":"' + ROOM_ID)


def test_the_server_logs_each_request() -> None:
    with run_mock() as mock, httpx.Client(base_url=mock.url) as http:
        http.get("/rooms", params={"limit": 0})
        deadline = time.monotonic() + 5
        while "listRooms -> 400" not in mock.output() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "rooms-mock: GET /rooms?limit=0 listRooms -> 400 (problem) violations:" in mock.output()


def _state_file(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _room() -> dict[str, Any]:
    engine = MockEngine.from_path(SPEC)
    return engine.handle(MockRequest("GET", f"/rooms/{ROOM_ID}")).json()  # type: ignore[no-any-return]


def test_state_file_preloads_and_reset_returns_to_it(tmp_path: Path) -> None:
    engine = MockEngine.from_path(SPEC, MockOptions(stateful=True))
    room = _room()
    engine.state.preload(read_state(_state_file(tmp_path, {"/rooms": [room]}), engine.inference))
    assert engine.handle(MockRequest("GET", f"/rooms/{ROOM_ID}")).json() == room
    engine.handle(MockRequest("DELETE", f"/rooms/{ROOM_ID}", headers={"x-api-key": "k"}))
    assert engine.handle(MockRequest("GET", f"/rooms/{ROOM_ID}")).status == 404
    engine.reset()
    assert engine.state.snapshot() == {"/rooms": [room]}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "want an object of collection paths"),
        ({"/flats": []}, "'/flats' is not a collection; known: /rooms"),
        ({"/rooms": {}}, "/rooms must be a list of items"),
        ({"/rooms": [{"name": "x"}]}, "/rooms[0] has no 'id'"),
        ({"/rooms": [{"id": ROOM_ID, "price": -1}]}, "/rooms[0] breaks the contract"),
    ],
)
def test_a_state_file_the_mock_cannot_take_is_refused_naming_why(data: Any, reason: str) -> None:
    engine = MockEngine.from_path(SPEC, MockOptions(stateful=True))
    with pytest.raises(StateError, match=reason.replace("[", r"\[").replace("]", r"\]")):
        check_state(data, engine.inference, "state.json")


def test_a_repeated_id_and_bad_json_are_refused(tmp_path: Path) -> None:
    engine = MockEngine.from_path(SPEC, MockOptions(stateful=True))
    room = _room()
    with pytest.raises(StateError, match=f"repeats id {ROOM_ID}"):
        check_state({"/rooms": [room, room]}, engine.inference, "state.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(StateError, match="is not JSON"):
        read_state(bad, engine.inference)


def test_the_server_preloads_state_and_dumps_it(tmp_path: Path) -> None:
    room = _room()
    path = _state_file(tmp_path, {"/rooms": [room]})
    with (
        run_mock("--stateful", "--state", str(path)) as mock,
        httpx.Client(base_url=mock.url) as http,
    ):
        assert http.get("/rooms").json()["items"] == [room]
        created = http.post("/rooms", json=NEW_ROOM, headers=KEY).json()
        assert http.get("/__mock__/state").json() == {"/rooms": [room, created]}
    assert "preloaded 1 item" in mock.output()
