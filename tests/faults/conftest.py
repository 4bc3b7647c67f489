"""Fault-suite fixtures: PostgreSQL behind a proxy that fails on command, and `rooms serve`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.faults.running_service import RunningService, migrate, rooms_serve
from tests.tcp_proxy import TcpProxy

# Short bounds, so that each fault shows within a second or two.
FAULT_TIMEOUTS = {
    "ROOMS_DB_CONNECT_TIMEOUT": "2",
    "ROOMS_DB_POOL_TIMEOUT": "1",
    "ROOMS_DB_STATEMENT_TIMEOUT": "1",
    "ROOMS_RETRY_AFTER": "3",
}


@pytest.fixture
def db_proxy(postgres_url: str) -> Iterator[TcpProxy]:
    parts = urlsplit(postgres_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.fixture
def proxied_service(
    postgres_url: str, db_proxy: TcpProxy, tmp_path: Path
) -> Iterator[RunningService]:
    """`rooms serve` whose every database connection goes through `db_proxy`."""
    migrate(postgres_url)
    parts = urlsplit(postgres_url)
    proxied = postgres_url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{db_proxy.port}")
    with rooms_serve(proxied, tmp_path, FAULT_TIMEOUTS) as service:
        yield service
