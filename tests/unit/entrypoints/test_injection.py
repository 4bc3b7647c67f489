"""The injector reaches connexion's operation functions: a rebinding changes what the API says."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from injector import Binder, Module
from starlette.testclient import TestClient

from rooms.bootstrap import bootstrap
from rooms.domain.errors import RoomNotFound
from rooms.domain.model import Room
from rooms.entrypoints.app import create_app
from rooms.service_layer.room_service import RoomService
from tests.conftest import make_settings
from tests.fakes import RecordingEventEncoder


class NamedRoomService(RoomService):
    """Knows one room, by name: proof that the handler got this object and not the default."""

    def __init__(self, room: Room) -> None:
        self.room = room

    def get(self, room_id: uuid.UUID) -> Room:
        if room_id != self.room.id:
            raise RoomNotFound(room_id)
        return self.room


@pytest.fixture
def known_room() -> Room:
    from tests.unit.rooms_data import room_draft

    return Room.create(room_draft(name="Injected"))


@pytest.fixture
def client(sqlite_url: str, known_room: Room) -> Iterator[TestClient]:
    class Override(Module):
        def configure(self, binder: Binder) -> None:
            binder.bind(RoomService, to=NamedRoomService(known_room))

    settings = make_settings(sqlite_url)
    injector = bootstrap(settings, encoder=RecordingEventEncoder(), overrides=[Override()])
    app = create_app(settings, injector=injector)
    with TestClient(app) as test_client:
        yield test_client
    app.close()


def test_handlers_receive_the_service_bound_in_the_injector(
    client: TestClient, known_room: Room
) -> None:
    response = client.get(f"/rooms/{known_room.id}")
    assert response.status_code == 200
    assert response.json()["name"] == "Injected"
    assert client.get(f"/rooms/{uuid.uuid4()}").status_code == 404


def test_one_injector_serves_every_request_with_the_same_singletons(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url)
    injector = bootstrap(settings, encoder=RecordingEventEncoder())
    assert injector.get(RoomService) is injector.get(RoomService)
