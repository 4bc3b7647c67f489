"""The emitter reads `x-emits` through rooms_events (its own tests cover the reader's rules)
and refuses a spec whose x-emits the event contract cannot honour, naming the operation."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from conftest import SPEC
from rooms_mock.events.contract import ContractError, load_contract
from rooms_mock.events.emitter import EventEmitter


def _document(emits: Any) -> dict[str, Any]:
    return {"paths": {"/things": {"post": {"operationId": "createThing", "x-emits": emits}}}}


def test_the_rooms_contract_says_what_each_write_emits() -> None:
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    assert EventEmitter(load_contract(), document).emits == {
        "createRoom": ("RoomCreated",),
        "updateRoom": ("RoomUpdated",),
        "deleteRoom": ("RoomDeleted",),
    }


@pytest.mark.parametrize("emits", [["RoomExploded"], "RoomCreated", [42]])
def test_an_x_emits_the_contract_cannot_honour_is_refused_naming_the_operation(
    emits: Any,
) -> None:
    with pytest.raises(ContractError, match=r"POST /things \(createThing\)"):
        EventEmitter(load_contract(), _document(emits))
