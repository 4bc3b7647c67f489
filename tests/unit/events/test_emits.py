"""`x-emits` in openapi.yaml: every write names the AsyncAPI messages it emits, and only those."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from rooms.contract_files import openapi_path
from rooms_events.transport import EventTransport, TransportError

WRITES = {"post", "put", "patch", "delete"}


def the_spec() -> dict[str, Any]:
    return dict(yaml.safe_load(openapi_path().read_text(encoding="utf-8")))


def problems(spec: dict[str, Any], transport: EventTransport) -> list[str]:
    """Writes without x-emits, and messages no operation emits."""
    emitted = transport.emitted_by(spec)
    out = [
        f"{operation['operationId']}: no x-emits"
        for item in spec["paths"].values()
        for method, operation in item.items()
        if method in WRITES and operation["operationId"] not in emitted
    ]
    names = {message.name for messages in emitted.values() for message in messages}
    out += [f"{m.name}: emitted by no operation" for m in transport if m.name not in names]
    return out


def test_every_write_emits_known_messages_and_every_message_is_emitted() -> None:
    transport = EventTransport.bundled()
    emitted = transport.emitted_by(the_spec())
    assert {op: [m.name for m in messages] for op, messages in emitted.items()} == {
        "createRoom": ["RoomCreated"],
        "updateRoom": ["RoomUpdated"],
        "deleteRoom": ["RoomDeleted"],
    }
    assert emitted["createRoom"][0].routing_key == "room.created"
    assert problems(the_spec(), transport) == []


def test_the_check_names_a_write_that_emits_nothing_and_a_message_never_emitted() -> None:
    transport = EventTransport.bundled()
    spec = the_spec()
    del spec["paths"]["/rooms/{roomId}"]["delete"]["x-emits"]
    assert problems(spec, transport) == [
        "deleteRoom: no x-emits",
        "RoomDeleted: emitted by no operation",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["RoomMade"], "x-emits names RoomMade, which asyncapi.yaml does not send"),
        ("RoomCreated", "must be a list of message names"),
    ],
)
def test_an_unknown_or_malformed_x_emits_is_refused_naming_the_operation(
    value: Any, message: str
) -> None:
    spec = the_spec()
    spec["paths"]["/rooms"]["post"]["x-emits"] = value
    with pytest.raises(TransportError, match=rf"POST /rooms \(createRoom\): .*{message}"):
        EventTransport.bundled().emitted_by(spec)
