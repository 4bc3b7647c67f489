"""`rooms events list` shows the outbox decoded, with no broker anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rooms.bootstrap import bootstrap
from rooms.config import Settings
from rooms.entrypoints.cli import main
from rooms.service_layer.room_service import RoomService
from tests.unit.rooms_data import room_draft


def test_events_wait_in_the_outbox_and_list_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    monkeypatch.setenv("ROOMS_DATABASE_URL", url)
    service = bootstrap(Settings.from_env()).get(RoomService)
    room = service.create(room_draft(name="Listed"))
    service.delete(room.id)
    result = CliRunner().invoke(main, ["events", "list"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["type"] for line in lines] == ["RoomCreated", "RoomDeleted"]
    assert lines[0]["room"]["name"] == "Listed"
    assert lines[1]["room_id"] == str(room.id)
    assert all(line["published_at"] is None for line in lines)


def test_relay_and_consume_need_a_broker_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROOMS_AMQP_URL", raising=False)
    for command in (["relay"], ["events", "consume"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2
        assert "ROOMS_AMQP_URL" in result.output


def test_an_empty_database_lists_no_events_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    monkeypatch.setenv("ROOMS_DATABASE_URL", f"sqlite:///{empty}")
    result = CliRunner().invoke(main, ["events", "list"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no outbox table" in result.stderr
