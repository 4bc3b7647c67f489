"""Where the spec is silent, the mock answers as the rooms service does (see the differential
run in mocks/tools/differential.py for the measured agreement)."""

from __future__ import annotations

from conftest import ROOM_ID, Call


def test_head_is_get_without_the_body(call: Call) -> None:
    head = call("HEAD", f"/rooms/{ROOM_ID}")
    get = call("GET", f"/rooms/{ROOM_ID}")
    assert (head.status, head.body) == (200, b"")
    assert head.header("etag") == get.header("etag")


def test_a_trailing_slash_is_redirected_away(call: Call) -> None:
    moved = call("GET", "/rooms/", "limit=2")
    assert (moved.status, moved.header("location")) == (307, "/rooms?limit=2")
    assert call("GET", "/nowhere/").status == 404


def test_x_request_id_is_echoed_and_named_in_problems(call: Call) -> None:
    ok = call("GET", "/rooms", headers={"X-Request-ID": "abc123"})
    assert ok.header("x-request-id") == "abc123"
    refused = call("GET", "/rooms", "limit=0", headers={"X-Request-ID": "abc123"})
    assert refused.header("x-request-id") == "abc123"
    assert refused.json()["request_id"] == "abc123"
    assert call("GET", "/rooms").header("x-request-id") is None


def test_the_body_limit_is_the_services() -> None:
    from rooms_mock.messages import MockOptions

    assert MockOptions().max_body_bytes == 64 * 1024
