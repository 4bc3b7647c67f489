"""The matcher records for the coverage report exactly the events that passed its checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rooms.domain.events import RoomCreated, RoomDeleted
from tests.contract.events.codec import SchemaStore
from tests.contract.events.event_checks import EventCheckFailed
from tests.contract.events.event_matcher import EventMatcher
from tests.contract.events.test_event_matcher import ListTap, Provider, contract, provider
from tests.contract_coverage import recorder
from tests.contract_coverage.documented_events import body_digest

__all__ = ["contract", "provider"]  # fixtures this module uses from the matcher's tests


@pytest.fixture
def reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(recorder, "REPORTS", tmp_path)
    return tmp_path


def _settle(provider: Provider, store: SchemaStore, suite: str | None) -> None:
    tap = ListTap()
    tap.deliveries = list(provider.published)
    EventMatcher(
        provider.recorder,
        tap,
        store,
        exchange=provider.exchange,
        timeout=0.01,
        coverage_suite=suite,
    ).settle()


def _lines(reports: Path, suite: str) -> list[dict[str, Any]]:
    path = reports / f"{suite}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_each_passing_event_is_recorded_with_its_message_operation_and_body(
    provider: Provider, avro_store: SchemaStore, reports: Path
) -> None:
    room = provider.create()
    provider.publish(RoomCreated(room=room))
    provider.respond("DELETE", f"/rooms/{room.id}", 204)
    provider.publish(RoomDeleted(room_id=room.id, version=room.version, url=room.url))
    _settle(provider, avro_store, "contract")
    lines = _lines(reports, "contract")
    assert [(line["message"], line["operation"]) for line in lines] == [
        ("RoomCreated", "createRoom"),
        ("RoomDeleted", "deleteRoom"),
    ]
    assert lines[0]["kind"] == "event"
    assert lines[0]["body"] == body_digest(provider.published[0].body)


def test_an_event_that_fails_a_check_is_not_recorded(
    provider: Provider, avro_store: SchemaStore, reports: Path
) -> None:
    room = provider.create()
    provider.publish(RoomCreated(room=room), routing_key="room.updated")
    with pytest.raises(EventCheckFailed, match=r"^\[routing_key\]"):
        _settle(provider, avro_store, "contract")
    assert _lines(reports, "contract") == []


def test_without_a_suite_nothing_is_recorded(
    provider: Provider, avro_store: SchemaStore, reports: Path
) -> None:
    provider.publish(RoomCreated(room=provider.create()))
    _settle(provider, avro_store, None)
    assert list(reports.iterdir()) == []
