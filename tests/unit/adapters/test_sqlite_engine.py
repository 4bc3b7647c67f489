"""The SQLite engine's cheap paths: pooled connections, and reads without a transaction."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from rooms.adapters.database import SQLITE_POOL_SIZE, make_engine, upgrade
from rooms.adapters.repository import RoomFilter
from rooms.service_layer.room_service import RoomService
from rooms.service_layer.unit_of_work import AbstractUnitOfWork, SqlAlchemyUnitOfWork
from tests.fakes import RecordingEventEncoder
from tests.unit.rooms_data import room_draft


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path}/rooms.sqlite3")
    upgrade(engine)
    yield engine
    engine.dispose()


def service_on(engine: Engine) -> RoomService:
    encoder = RecordingEventEncoder()

    def factory(*, read_only: bool = False) -> AbstractUnitOfWork:
        return SqlAlchemyUnitOfWork(engine, encoder, read_only=read_only)  # type: ignore[arg-type]

    return RoomService(factory)


def statements_of(engine: Engine) -> list[str]:
    """Every SQL text the engine sends from now on, BEGINs and ROLLBACKs included."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.split()[0].upper())

    def rollback(_conn: Any) -> None:
        seen.append("ROLLBACK")

    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "rollback", rollback)
    return seen


def test_a_read_by_id_and_a_list_send_one_select_each_and_no_transaction(engine: Engine) -> None:
    service = service_on(engine)
    room = service.create(room_draft())
    seen = statements_of(engine)
    assert service.get(room.id) == room
    assert [r.id for r in service.list(RoomFilter(), after=None, limit=5).items] == [room.id]
    # SQLAlchemy still "rolls back" on return, which sqlite3 skips outside a transaction.
    assert [s for s in seen if s != "ROLLBACK"] == ["SELECT", "SELECT"]


def test_a_write_still_takes_the_write_lock_up_front(engine: Engine) -> None:
    service = service_on(engine)
    seen = statements_of(engine)
    service.create(room_draft())
    assert seen[0] == "BEGIN"
    assert "INSERT" in seen


def test_connections_are_kept_under_load_not_reopened(engine: Engine) -> None:
    opened: list[object] = []
    event.listen(engine, "connect", lambda dbapi, _record: opened.append(dbapi))
    engine.dispose()
    barrier = threading.Barrier(SQLITE_POOL_SIZE)

    def request_thread() -> None:
        # Every thread of the WSGI bridge holds a connection at once, five times over.
        for _ in range(5):
            connection = engine.connect()
            barrier.wait(timeout=10)
            connection.close()
            barrier.wait(timeout=10)

    threads = [threading.Thread(target=request_thread) for _ in range(SQLITE_POOL_SIZE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # One connection per thread, ever: none closed on return and opened (PRAGMAs and all) again.
    assert len(opened) == SQLITE_POOL_SIZE
