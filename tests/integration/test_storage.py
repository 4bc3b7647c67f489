"""Storage on real databases: migrations, the url constraint under concurrency, the outbox."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select

from rooms.adapters.database import make_engine, upgrade
from rooms.adapters.orm import metadata, outbox, rooms
from rooms.config import Settings
from rooms.domain.errors import DuplicateRoomUrl
from rooms.domain.events import DomainEvent
from rooms.service_layer.event_encoding import EncodedEvent
from rooms.service_layer.room_service import RoomService
from rooms.service_layer.unit_of_work import AbstractUnitOfWork, SqlAlchemyUnitOfWork
from tests.fakes import RecordingEventEncoder
from tests.unit.rooms_data import room_draft


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(Settings.from_env({"ROOMS_DATABASE_URL": database_url}).database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def service_on(engine: Engine, encoder: object | None = None) -> RoomService:
    chosen = encoder or RecordingEventEncoder()

    def factory(*, read_only: bool = False) -> AbstractUnitOfWork:
        return SqlAlchemyUnitOfWork(engine, chosen, read_only=read_only)  # type: ignore[arg-type]

    return RoomService(factory)


def count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def test_the_migrations_build_exactly_the_tables_the_code_uses(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_concurrent_creates_of_one_url_give_exactly_one_room(engine: Engine) -> None:
    service = service_on(engine)
    draft = room_draft()
    contenders = 8
    barrier = threading.Barrier(contenders)
    outcomes: list[str] = []

    def contend() -> None:
        barrier.wait()
        try:
            service.create(draft)
            outcomes.append("created")
        except DuplicateRoomUrl:
            outcomes.append("duplicate")

    threads = [threading.Thread(target=contend) for _ in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["created"] + ["duplicate"] * (contenders - 1)
    assert count(engine, rooms) == 1
    assert count(engine, outbox) == 1


class ExplodingEncoder(RecordingEventEncoder):
    def encode(self, event: DomainEvent) -> EncodedEvent:
        raise RuntimeError("encoder down")


def test_a_change_whose_event_cannot_be_written_is_undone(engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="encoder down"):
        service_on(engine, ExplodingEncoder()).create(room_draft())
    assert count(engine, rooms) == 0
    assert count(engine, outbox) == 0


def test_every_change_writes_its_event_in_order(engine: Engine) -> None:
    service = service_on(engine)
    room = service.create(room_draft(price=1))
    service.update(room.id, lambda r: dataclasses.replace(r.draft(), price=2))
    service.delete(room.id)
    with engine.connect() as connection:
        written = connection.execute(
            select(outbox.c.event_type, outbox.c.room_version).order_by(outbox.c.id)
        ).all()
    assert [tuple(row) for row in written] == [
        ("RoomCreated", 1),
        ("RoomUpdated", 2),
        ("RoomDeleted", 2),
    ]


def test_keyset_pages_of_rooms_created_in_one_instant_give_each_room_once_in_order(
    engine: Engine,
) -> None:
    # Equal created_at: the cursor's second member (the id) alone decides what comes next.
    from rooms.adapters.repository import Position, RoomFilter
    from rooms.domain.model import Room

    instant = Room.create(room_draft()).created_at
    stored = []
    for n in range(7):
        room = dataclasses.replace(
            Room.create(room_draft(url=f"https://rooms.example/same/{n}")), created_at=instant
        )
        with SqlAlchemyUnitOfWork(engine, RecordingEventEncoder()) as uow:  # type: ignore[arg-type]
            uow.rooms.add(room)
            uow.commit()
        stored.append(room.id)
    service = service_on(engine)
    seen, after = [], None
    while True:
        page = service.list(RoomFilter(), after=after, limit=2)
        seen += [room.id for room in page.items]
        if page.next is None:
            break
        after = page.next
    assert seen == sorted(stored, key=lambda room_id: room_id.hex)
    assert isinstance(after, Position)
