"""Integration fixtures: the whole app over a real database, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from rooms.bootstrap import bootstrap
from rooms.entrypoints.app import RoomsApp, create_app
from rooms.service_layer.event_encoding import EventEncoder
from tests.conftest import make_settings


@pytest.fixture
def db_app(database_url: str, encoder: EventEncoder) -> Iterator[RoomsApp]:
    settings = make_settings(database_url)
    app = create_app(settings, injector=bootstrap(settings, encoder=encoder))
    yield app
    app.close()


@pytest.fixture
def api(db_app: RoomsApp) -> Iterator[TestClient]:
    with TestClient(db_app) as test_client:
        yield test_client
