"""The stateful store tells its write listeners what each accepted write changed, and only that."""

from __future__ import annotations

from conftest import NEW_ROOM, Call
from rooms_mock.writes import Write


def _listen(call: Call) -> list[Write]:
    heard: list[Write] = []
    call.engine.add_write_listener(heard.append)  # type: ignore[attr-defined]
    return heard


def test_create_update_delete_are_told_with_the_item_before_and_after(stateful_call: Call) -> None:
    heard = _listen(stateful_call)
    created = stateful_call("POST", "/rooms", json_body=NEW_ROOM).json()
    path = f"/rooms/{created['id']}"
    updated = stateful_call(
        "PATCH",
        path,
        json_body={"price": 4000},
        headers={"content-type": "application/merge-patch+json"},
    ).json()
    stateful_call("DELETE", path)

    assert [(w.operation_id, w.status) for w in heard] == [
        ("createRoom", 201),
        ("updateRoom", 200),
        ("deleteRoom", 204),
    ]
    assert heard[0].before is None
    assert heard[0].after == created
    assert heard[1].before == created
    assert heard[1].after == updated
    assert heard[2].before == updated
    assert heard[2].after is None


def test_refused_writes_and_reads_tell_nothing(stateful_call: Call) -> None:
    heard = _listen(stateful_call)
    stateful_call("POST", "/rooms", json_body={**NEW_ROOM, "price": -1})  # 400
    created = stateful_call("POST", "/rooms", json_body=NEW_ROOM).json()
    stateful_call("POST", "/rooms", json_body=NEW_ROOM)  # 409: the url is taken
    stateful_call("GET", f"/rooms/{created['id']}")
    stateful_call("GET", "/rooms")
    stateful_call("DELETE", "/rooms/0b1c5f1e-7c53-4a3e-9a53-3f6c2f1d7e99")  # 404
    stateful_call("DELETE", f"/rooms/{created['id']}", headers={"if-match": '"stale"'})  # 412

    assert [w.operation_id for w in heard] == ["createRoom"]
