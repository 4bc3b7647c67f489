"""Events on demand, in-process: every message's examples and drawn events are valid and decode."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from rooms_mock.cli import main
from rooms_mock.events.contract import load_contract
from rooms_mock.events.on_demand import MAX_COUNT, OnDemand, OnDemandError

CONTRACT = load_contract()
MESSAGES = CONTRACT.messages


def test_the_contract_names_the_room_events() -> None:
    assert set(MESSAGES) == {"RoomCreated", "RoomUpdated", "RoomDeleted"}


@pytest.mark.parametrize("message", MESSAGES)
def test_every_example_encodes_and_decodes_to_itself(message: str) -> None:
    events = OnDemand(CONTRACT).examples(message)
    assert len(events) == len(CONTRACT.examples(message)) >= 1
    for event in events:
        decoded = event.decoded()
        assert decoded.type == message
        # uuids come back as UUIDs; as text, the record read is the record written
        assert _text(decoded.record) == _text(event.record)


def _text(record: dict[str, Any]) -> Any:
    return json.loads(json.dumps(record, default=str))


@pytest.mark.parametrize("message", MESSAGES)
def test_drawn_events_decode_and_repeat_with_their_seed(message: str) -> None:
    on_demand = OnDemand(CONTRACT)
    first = on_demand.dynamic(message, seed=11, count=5)
    again = on_demand.dynamic(message, seed=11, count=5)
    other = on_demand.dynamic(message, seed=12, count=5)
    assert [e.body for e in first] == [e.body for e in again]
    assert [e.body for e in first] != [e.body for e in other]
    for event in first:
        decoded = event.decoded()
        assert decoded.type == message
        assert event.headers["avro-fingerprint"] == decoded.fingerprint
        if "room" in decoded.record:  # the envelope agrees with the room, as the service's
            assert decoded.record["room_id"] == decoded.record["room"]["id"]
            assert decoded.record["version"] == decoded.record["room"]["version"]


def test_unknown_messages_examples_and_counts_are_refused_with_what_exists() -> None:
    on_demand = OnDemand(CONTRACT)
    with pytest.raises(OnDemandError, match="has RoomCreated") as unknown:
        on_demand.examples("RoomExploded")
    assert unknown.value.unknown_message
    with pytest.raises(OnDemandError, match="its examples: centralFlat"):
        on_demand.examples("RoomCreated", "nope")
    for count in (0, MAX_COUNT + 1):
        with pytest.raises(OnDemandError, match="count must be"):
            on_demand.dynamic("RoomCreated", count=count)


def test_publish_lists_messages_and_refuses_without_a_broker_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["publish", "--list"])
    assert "RoomCreated: examples centralFlat" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        main(["publish", "RoomCreated"])
    assert refused.value.code == 2
    assert "--amqp-url" in capsys.readouterr().err


def test_the_mock_loads_no_event_code_until_events_are_asked_for() -> None:
    """A plain stateful mock (and its fixture) imports neither pika, fastavro nor rooms_events."""
    code = (
        "import sys, requests\n"
        "from rooms_mock import rooms_mock\n"
        "from conftest import NEW_ROOM\n"
        "with rooms_mock() as api:\n"
        "    requests.post('http://rooms.mock/rooms', json=NEW_ROOM, headers={'X-API-Key': 'k'})\n"
        "    assert api.writes\n"
        "heavy = ('pika', 'fastavro', 'rooms_events', 'rooms')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=tests,
        env={"PYTHONPATH": str(tests), "PATH": ""},
    )
    assert result.stdout.strip() == "[]"
