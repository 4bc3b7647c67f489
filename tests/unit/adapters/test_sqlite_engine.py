"""The SQLite engine's cheap paths: pooled connections, and reads without a transaction."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

from rooms.adapters.database import SQLITE_POOL_SIZE, make_engine, upgrade
from rooms.adapters.repository import RoomFilter
from rooms.adapters.sqlite_checkpointer import INTERVAL_SECONDS, SAFETY_NET_PAGES
from rooms.config import DatabaseTimeouts
from rooms.domain.errors import DuplicateRoomUrl
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
    """Every SQL text SQLite receives from now on, as its first word (BEGIN, SELECT, ...).

    Traced by sqlite3 itself, so reads that bypass SQLAlchemy Core (room_reads) show too.
    """
    seen: list[str] = []

    def trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(lambda sql: seen.append(sql.split()[0].upper()))

    engine.dispose()  # the pool's connections reopen, traced
    event.listen(engine, "connect", trace)
    return seen


def test_a_read_by_id_and_a_list_send_one_select_each_and_no_transaction(engine: Engine) -> None:
    service = service_on(engine)
    room = service.create(room_draft())
    seen = statements_of(engine)
    assert service.get(room.id) == room
    assert [r.id for r in service.list(RoomFilter(), after=None, limit=5).items] == [room.id]
    # The pool still "rolls back" on return, which sqlite3 does not send outside a transaction.
    assert seen == ["SELECT", "SELECT"]


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


def test_concurrent_writers_of_one_process_all_get_through(engine: Engine) -> None:
    service = service_on(engine)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                service.create(room_draft(url=f"https://rooms.example/gate/{n}/{i}"))
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(SQLITE_POOL_SIZE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(service.list(RoomFilter(), after=None, limit=500).items) == 10 * SQLITE_POOL_SIZE


def test_a_failed_write_lets_the_next_writer_in(tmp_path: Path) -> None:
    # A gate kept after a failure would hold every later writer until its bound.
    timeouts = DatabaseTimeouts(statement_seconds=0.5)
    engine = make_engine(f"sqlite:///{tmp_path}/rooms.sqlite3", timeouts)
    upgrade(engine)
    service = service_on(engine)
    service.create(room_draft(url="https://rooms.example/taken"))
    for _ in range(3):
        with pytest.raises(DuplicateRoomUrl):
            service.create(room_draft(url="https://rooms.example/taken"))
    with engine.connect() as connection:  # a write abandoned: closed without a commit
        connection.execution_options(sqlite_begin="IMMEDIATE").begin()
    assert service.create(room_draft(url="https://rooms.example/free")).version == 1
    engine.dispose()


def test_a_writer_waits_for_the_gate_no_longer_than_its_bound(tmp_path: Path) -> None:
    timeouts = DatabaseTimeouts(statement_seconds=0.3)
    engine = make_engine(f"sqlite:///{tmp_path}/rooms.sqlite3", timeouts)
    upgrade(engine)
    holder = engine.connect().execution_options(sqlite_begin="IMMEDIATE")
    holder.begin()
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            service_on(engine).create(room_draft())
    finally:
        holder.close()
    assert service_on(engine).create(room_draft()).version == 1
    engine.dispose()


def test_a_writer_refused_by_another_processs_lock_lets_the_next_writer_in(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rooms.sqlite3"
    engine = make_engine(f"sqlite:///{path}", DatabaseTimeouts(statement_seconds=0.3))
    upgrade(engine)
    service = service_on(engine)
    other_process = sqlite3.connect(path, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")  # another writer, outside this process's gate
    with pytest.raises(OperationalError, match="locked"):
        service.create(room_draft(url="https://rooms.example/refused"))
    other_process.execute("ROLLBACK")
    other_process.close()
    # The refused writer's gate and connection were given back, not kept until collected.
    assert service.create(room_draft(url="https://rooms.example/next")).version == 1
    engine.dispose()


def test_the_log_is_checkpointed_by_its_own_thread_not_by_a_commit(tmp_path: Path) -> None:
    path = tmp_path / "rooms.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as connection:
        # A request's connection checkpoints only as a safety net, far past SQLite's 1,000.
        pages = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert pages == SAFETY_NET_PAGES
    before = path.stat().st_size
    service = service_on(engine)
    for n in range(300):  # some hundreds of pages, in the log until a checkpoint copies them
        service.create(room_draft(url=f"https://rooms.example/wal/{n}"))
    deadline = time.monotonic() + 10 * INTERVAL_SECONDS
    while path.stat().st_size == before and time.monotonic() < deadline:
        time.sleep(INTERVAL_SECONDS / 5)
    assert path.stat().st_size > before, "no checkpoint copied the log into the database file"
    engine.dispose()
