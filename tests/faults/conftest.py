"""Fault-suite fixtures: PostgreSQL behind a proxy that fails on command, and `rooms serve`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rooms.adapters.database import make_engine, upgrade
from rooms.config import Settings
from tests.conftest import fresh_postgres_database
from tests.faults.running_service import RunningService, rooms_serve
from tests.tcp_proxy import TcpProxy

# Short bounds, so that each fault shows within a second or two.
FAULT_TIMEOUTS = {
    "ROOMS_DB_CONNECT_TIMEOUT": "2",
    "ROOMS_DB_POOL_TIMEOUT": "1",
    "ROOMS_DB_STATEMENT_TIMEOUT": "1",
    "ROOMS_RETRY_AFTER": "3",
}


@pytest.fixture(scope="module")
def fault_database(postgres_server_url: str) -> Iterator[str]:
    """One fresh database for a module: starting a service per test cost 15-40 s each on a
    busy machine, so the database tests share one, and each asserts only on what it wrote."""
    with fresh_postgres_database(postgres_server_url) as url:
        engine = make_engine(Settings.from_env({"ROOMS_DATABASE_URL": url}).database_url)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        yield url


@pytest.fixture(scope="module")
def db_proxy(fault_database: str) -> Iterator[TcpProxy]:
    with TcpProxy.in_front_of(fault_database, 5432) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def proxied_service(
    fault_database: str, db_proxy: TcpProxy, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """`rooms serve` whose every database connection goes through `db_proxy`."""
    proxied = db_proxy.url_for(fault_database)
    with rooms_serve(proxied, tmp_path_factory.mktemp("proxied"), FAULT_TIMEOUTS) as service:
        yield service
