"""The contract suite's target: the app in-process on a fresh database, or any server by URL.

pytest tests/contract                                  # in-process (from_asgi)
pytest tests/contract --base-url http://host:port      # any running server
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from starlette.testclient import TestClient

from rooms.contract_files import openapi_path
from rooms.entrypoints.app import RoomsApp
from tests.conftest import API_KEY, open_app
from tests.contract.events.options import add_event_options
from tests.contract.fault_score import FaultScorePlugin, fault_score  # noqa: F401 (a fixture)
from tests.contract.servers import serve_in_thread
from tests.contract_coverage.recorder import RecordingApp, record_by_url, suite_name

CONFIG = Path(__file__).with_name("schemathesis.toml")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "the contract suite's target")
    group.addoption(
        "--base-url", help="Test a running server at this URL instead of the app in-process."
    )
    group.addoption("--api-key", default=None, help="X-API-Key for writes (default: the test key).")
    add_event_options(parser)  # --amqp-url, --amqp-exchange: tests/contract/events


def contract_config() -> SchemathesisConfig:
    config = SchemathesisConfig.from_path(CONFIG)
    if os.environ.get("ROOMS_CONTRACT_PROFILE") == "fuzz":
        # `nox -s fuzz`: many more examples, a fresh seed each run (printed by pytest's header).
        config = SchemathesisConfig.from_dict(
            {
                **_toml(CONFIG),
                "generation": {
                    **_toml(CONFIG)["generation"],
                    "max-examples": 500,
                    "deterministic": False,
                },
            }
        )
    return config


def _toml(path: Path) -> dict[str, object]:
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str | None:
    return pytestconfig.getoption("--base-url")


@pytest.fixture(scope="session")
def api_key(pytestconfig: pytest.Config) -> str:
    return str(pytestconfig.getoption("--api-key") or API_KEY)


@pytest.fixture(scope="session")
def contract_app(
    base_url: str | None, tmp_path_factory: pytest.TempPathFactory, avro_store: object
) -> Iterator[RoomsApp | None]:
    """One app on a fresh database for the session (None in URL mode)."""
    if base_url:
        yield None
        return
    from rooms.adapters.avro import AvroEventEncoder

    database = tmp_path_factory.mktemp("contract") / "rooms.sqlite3"
    with open_app(f"sqlite:///{database}", AvroEventEncoder(avro_store)) as app:  # type: ignore[arg-type]
        # Every client of the in-process app is recorded for the contract coverage report.
        app._asgi = RecordingApp(app._asgi, suite_name("contract"))
        yield app


@pytest.fixture(scope="session")
def contract_schema(base_url: str | None, contract_app: RoomsApp | None) -> schemathesis.BaseSchema:
    config = contract_config()
    if base_url:
        schema = schemathesis.openapi.from_path(openapi_path(), config=config)
        schema.config.update(base_url=base_url)
        return schema
    assert contract_app is not None
    return schemathesis.openapi.from_asgi("/openapi.json", contract_app, config=config)


@pytest.fixture(scope="session")
def server_url(base_url: str | None, contract_app: RoomsApp | None) -> Iterator[str]:
    """A URL for the target: --base-url, or the in-process app served by uvicorn in a thread."""
    if base_url:
        yield base_url
        return
    with serve_in_thread(contract_app) as url:
        yield url


@pytest.fixture
def contract_http(base_url: str | None, contract_app: RoomsApp | None) -> Iterator[httpx.Client]:
    """An HTTP client for the target: --base-url, or the in-process app."""
    if base_url:
        with httpx.Client(
            base_url=base_url, timeout=30, event_hooks={"response": [record_by_url]}
        ) as client:
            yield client
    else:
        with TestClient(contract_app) as client:
            yield client


def pytest_configure(config: pytest.Config) -> None:
    # The fault score table: every fault set under tests/contract records into it.
    if not config.pluginmanager.has_plugin("rooms-fault-score"):
        config.pluginmanager.register(FaultScorePlugin(), "rooms-fault-score")
