"""Fixtures shared by every tier: settings, a fresh app per test, and the real services."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from rooms.adapters.avro import AvroEventEncoder
from rooms.bootstrap import bootstrap
from rooms.config import Settings
from rooms.entrypoints.app import RoomsApp, create_app
from rooms.service_layer.event_encoding import EventEncoder
from rooms_events import SchemaStore
from rooms_events.contract_files import avro_dir

API_KEY = "test-api-key-1"
WRITE_HEADERS = {"X-API-Key": API_KEY}

POSTGRES_URL = os.environ.get(
    "ROOMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
AMQP_URL = os.environ.get("ROOMS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def require_service(name: str, url: str, default_port: int) -> None:
    """Skip with a reason when a real service is absent; under CI=true its absence fails."""
    if _reachable(url, default_port):
        return
    message = f"{name} is not reachable at {url}"
    if _in_ci():
        pytest.fail(f"{message} (CI=true: integration tests must run, .ci/run starts it)")
    pytest.skip(f"{message}; start it to run this test")


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    require_service("PostgreSQL", POSTGRES_URL, 5432)
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with fresh_postgres_database(postgres_server_url) as url:
        yield url


@contextmanager
def fresh_postgres_database(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped when the block ends."""
    name = f"rooms_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        _driver(postgres_server_url), isolation_level="AUTOCOMMIT", pool_pre_ping=True
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = postgres_server_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def amqp_url() -> str:
    require_service("RabbitMQ", AMQP_URL, 5672)
    return AMQP_URL


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rooms.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Every test that takes this runs on the embedded default and on PostgreSQL."""
    if request.param == "postgres":
        request.applymarker(pytest.mark.integration)
        return str(request.getfixturevalue("postgres_url"))
    return str(request.getfixturevalue("sqlite_url"))


@pytest.fixture(scope="session")
def avro_store() -> SchemaStore:
    return SchemaStore.load(avro_dir())


@pytest.fixture
def encoder(avro_store: SchemaStore) -> EventEncoder:
    """The real Avro encoder: every test that writes rooms also proves its events encode."""
    return AvroEventEncoder(avro_store)


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": Settings.from_env({"ROOMS_DATABASE_URL": database_url}).database_url,
        "api_keys": (API_KEY,),
        "validate_responses": True,
        "auto_migrate": True,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@contextmanager
def open_app(database_url: str, encoder: EventEncoder, **settings: object) -> Iterator[RoomsApp]:
    """The whole app on `database_url`, its connections released afterwards."""
    chosen = make_settings(database_url, **settings)
    app = create_app(chosen, injector=bootstrap(chosen, encoder=encoder))
    try:
        yield app
    finally:
        app.close()


@pytest.fixture
def app(sqlite_url: str, encoder: EventEncoder) -> Iterator[RoomsApp]:
    with open_app(sqlite_url, encoder) as app:
        yield app


@pytest.fixture
def client(app: RoomsApp) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
