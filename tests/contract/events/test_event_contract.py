"""The event checks read what each write emits from the contracts, and stop when they cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rooms.contract_files import openapi_path
from rooms_events.contract_files import asyncapi_path
from tests.contract.events.event_contract import EventContractError, load_event_contract


def test_each_write_operation_emits_the_message_of_its_x_emits() -> None:
    contract = load_event_contract()
    assert contract.emits == {
        "createRoom": ("RoomCreated",),
        "updateRoom": ("RoomUpdated",),
        "deleteRoom": ("RoomDeleted",),
    }
    assert [m.routing_key for m in contract.emitted_by("updateRoom")] == ["room.updated"]
    assert contract.emitted_by("listRooms") == ()
    assert contract.operation("DELETE", "/rooms/abc") == ("deleteRoom", {"roomId": "abc"})


def _spec_with(tmp_path: Path, emits: list[str] | None) -> Path:
    spec = yaml.safe_load(openapi_path().read_text(encoding="utf-8"))
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("x-emits", None)
    if emits is not None:
        spec["paths"]["/rooms"]["post"]["x-emits"] = emits
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def test_an_x_emits_naming_a_message_asyncapi_does_not_send_stops_the_checks(
    tmp_path: Path,
) -> None:
    with pytest.raises(EventContractError, match="x-emits names RoomMoved"):
        load_event_contract(_spec_with(tmp_path, ["RoomMoved"]), asyncapi_path())


def test_a_spec_without_x_emits_stops_the_checks(tmp_path: Path) -> None:
    with pytest.raises(EventContractError, match="no operation has x-emits"):
        load_event_contract(_spec_with(tmp_path, None), asyncapi_path())
