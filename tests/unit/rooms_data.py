"""Valid room bodies and drafts for tests, built from the spec's own example."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import yaml

from rooms.contract_files import openapi_path
from rooms.domain.model import RoomDraft
from rooms.entrypoints.room_json import draft_from_json

_SPEC = yaml.safe_load(openapi_path().read_text(encoding="utf-8"))
EXAMPLE_INPUT: dict[str, Any] = _SPEC["components"]["examples"]["RoomInputCentralFlat"]["value"]
_numbers = itertools.count(1)


def room_body(**changes: Any) -> dict[str, Any]:
    """The spec's example with a url nobody else has, and `changes` applied."""
    body = copy.deepcopy(EXAMPLE_INPUT)
    body["url"] = f"https://flats.example/listing/t{next(_numbers)}"
    body.update(changes)
    return body


def room_draft(**changes: Any) -> RoomDraft:
    return draft_from_json(room_body(**changes))
