"""Reading `x-emits` from the spec, and refusing one that names a message the contract lacks."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from conftest import SPEC
from rooms_mock.events.contract import load_contract
from rooms_mock.events.emits import EmitsError, emitted_messages
from rooms_mock.events.emitter import EmitterError, EventEmitter


def _document(emits: Any) -> dict[str, Any]:
    return {"paths": {"/things": {"post": {"operationId": "createThing", "x-emits": emits}}}}


def test_the_rooms_contract_says_what_each_write_emits() -> None:
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    assert emitted_messages(document) == {
        "createRoom": ("RoomCreated",),
        "updateRoom": ("RoomUpdated",),
        "deleteRoom": ("RoomDeleted",),
    }


@pytest.mark.parametrize(
    ("emits", "names"),
    [
        (["RoomCreated"], ("RoomCreated",)),
        ("RoomCreated", ("RoomCreated",)),
        ([{"message": "RoomCreated"}], ("RoomCreated",)),
        (
            [{"message": {"$ref": "asyncapi.yaml#/components/messages/RoomCreated"}}],
            ("RoomCreated",),
        ),
    ],
)
def test_x_emits_forms(emits: Any, names: tuple[str, ...]) -> None:
    assert emitted_messages(_document(emits)) == {"createThing": names}


@pytest.mark.parametrize("emits", [42, [None], [{"topic": "x"}], [""]])
def test_an_unreadable_x_emits_is_refused_naming_the_operation(emits: Any) -> None:
    with pytest.raises(EmitsError, match="POST /things"):
        emitted_messages(_document(emits))


def test_a_message_the_event_contract_lacks_stops_the_emitter() -> None:
    with pytest.raises(EmitterError, match=r"x-emits names RoomExploded.*it has RoomCreated"):
        EventEmitter(load_contract(), _document(["RoomExploded"]))
