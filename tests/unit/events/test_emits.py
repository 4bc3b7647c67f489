"""`x-emits` in openapi.yaml: every write names the AsyncAPI messages it emits, and only those."""

from __future__ import annotations

from typing import Any

import yaml

from rooms.contract_files import openapi_path
from rooms_events.transport import EventTransport

WRITES = {"post", "put", "patch", "delete"}


def emits(spec: dict[str, Any]) -> dict[str, list[str]]:
    """operationId -> its x-emits, for every operation that has the key or is a write."""
    found = {}
    for item in spec["paths"].values():
        for method, operation in item.items():
            if method in WRITES or "x-emits" in operation:
                found[operation["operationId"]] = operation.get("x-emits")
    return found


def problems(spec: dict[str, Any], transport: EventTransport) -> list[str]:
    messages = {message.name for message in transport}
    found, out = emits(spec), []
    for operation, names in sorted(found.items()):
        if not isinstance(names, list) or not names:
            out.append(f"{operation}: no x-emits list")
            continue
        out += [
            f"{operation}: emits {n}, which asyncapi.yaml does not send"
            for n in names
            if n not in messages
        ]
    emitted = {name for names in found.values() if isinstance(names, list) for name in names}
    out += [f"{name}: emitted by no operation" for name in sorted(messages - emitted)]
    return out


def the_spec() -> dict[str, Any]:
    return dict(yaml.safe_load(openapi_path().read_text(encoding="utf-8")))


def test_every_write_emits_known_messages_and_every_message_is_emitted() -> None:
    transport = EventTransport.bundled()
    assert emits(the_spec()) == {
        "createRoom": ["RoomCreated"],
        "updateRoom": ["RoomUpdated"],
        "deleteRoom": ["RoomDeleted"],
    }
    assert problems(the_spec(), transport) == []


def test_the_check_names_each_kind_of_drift() -> None:
    transport = EventTransport.bundled()
    spec = the_spec()
    spec["paths"]["/rooms"]["post"]["x-emits"] = ["RoomMade"]
    del spec["paths"]["/rooms/{roomId}"]["delete"]["x-emits"]
    assert problems(spec, transport) == [
        "createRoom: emits RoomMade, which asyncapi.yaml does not send",
        "deleteRoom: no x-emits list",
        "RoomCreated: emitted by no operation",
        "RoomDeleted: emitted by no operation",
    ]
