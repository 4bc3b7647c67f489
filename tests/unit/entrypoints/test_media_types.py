"""Media types are case-insensitive (RFC 9110): any spelling of a declared one is accepted."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from rooms.entrypoints.media_types import canonical_content_type
from tests.conftest import WRITE_HEADERS
from tests.unit.rooms_data import room_body


def test_type_and_subtype_are_lowered_and_parameters_kept() -> None:
    assert canonical_content_type(b"Multipart/Form-Data; boundary=AbC") == (
        b"multipart/form-data; boundary=AbC"
    )


@pytest.mark.parametrize("spelling", ["Application/JSON", "APPLICATION/JSON; charset=utf-8"])
def test_a_declared_media_type_in_any_case_creates_the_room(
    client: TestClient, spelling: str
) -> None:
    response = client.post(
        "/rooms",
        content=json.dumps(room_body()),
        headers={**WRITE_HEADERS, "Content-Type": spelling},
    )
    assert response.status_code == 201, response.text
