"""The provider under verification: the real app on a fresh database, served from a thread."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rooms.adapters.avro import AvroEventEncoder
from rooms.entrypoints.app import RoomsApp
from rooms_events import SchemaStore
from tests.conftest import open_app

PACT_DIR = Path(__file__).resolve().parents[2] / "contracts" / "pacts"


@pytest.fixture(autouse=True)
def _no_tracking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_DO_NOT_TRACK", "true")


@pytest.fixture
def provider_app(sqlite_url: str, avro_store: SchemaStore) -> Iterator[RoomsApp]:
    with open_app(sqlite_url, AvroEventEncoder(avro_store)) as app:
        yield app
