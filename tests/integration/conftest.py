"""Integration fixtures: the whole app over a real database, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from rooms.entrypoints.app import RoomsApp
from rooms.service_layer.event_encoding import EventEncoder
from tests.conftest import open_app


@pytest.fixture
def db_app(database_url: str, encoder: EventEncoder) -> Iterator[RoomsApp]:
    with open_app(database_url, encoder) as app:
        yield app


@pytest.fixture
def api(db_app: RoomsApp) -> Iterator[TestClient]:
    with TestClient(db_app) as test_client:
        yield test_client
