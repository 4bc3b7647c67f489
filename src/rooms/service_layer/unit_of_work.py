"""Units of work: one transaction holds a room change and the events that announce it."""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import Connection, Engine, insert

from rooms.adapters import room_reads
from rooms.adapters.orm import outbox
from rooms.adapters.repository import AbstractRoomRepository, SqlRoomRepository
from rooms.domain.events import DomainEvent
from rooms.service_layer.event_encoding import EventEncoder

_OUTBOX_INSERT = insert(outbox)


class AbstractUnitOfWork(abc.ABC):
    rooms: AbstractRoomRepository

    def __init__(self) -> None:
        self._events: list[DomainEvent] = []

    def __enter__(self) -> Self:
        self._events = []
        self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Anything not committed explicitly is undone, events included.
        self._rollback()
        self._events = []

    def record(self, event: DomainEvent) -> None:
        """Announce `event` if, and only if, this unit of work commits."""
        self._events.append(event)

    def commit(self) -> None:
        self._commit(self._events)
        self._events = []

    @abc.abstractmethod
    def _begin(self) -> None: ...

    @abc.abstractmethod
    def _commit(self, events: list[DomainEvent]) -> None: ...

    @abc.abstractmethod
    def _rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> AbstractUnitOfWork: ...


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    def __init__(self, engine: Engine, encoder: EventEncoder, *, read_only: bool = False) -> None:
        super().__init__()
        self._engine = engine
        self._encoder = encoder
        self._read_only = read_only
        self._connection: Connection | None = None

    def _begin(self) -> None:
        if self._read_only:
            # RoomService.get and .list read with one statement each, atomic on its own: no
            # transaction to open here, and no Core connection (room_reads says why).
            self.rooms = room_reads.PooledRoomReads(room_reads.for_engine(self._engine))
            return
        # SQLite: take the write lock up front (BEGIN IMMEDIATE), so a read-then-write
        # transaction never fails to upgrade when another writer got in between.
        connection = self._engine.connect().execution_options(sqlite_begin="IMMEDIATE")
        try:
            connection.begin()
        except BaseException:  # no transaction: the connection goes back to the pool now
            connection.close()
            raise
        self._connection = connection
        self.rooms = SqlRoomRepository(self._connection)

    def _commit(self, events: list[DomainEvent]) -> None:
        assert self._connection is not None, "commit outside `with`"
        if events:
            # Encoded before the commit: an event that cannot be encoded undoes its change.
            rows = [
                {
                    "event_id": e.event_id,
                    "event_type": e.event_type,
                    "routing_key": e.routing_key,
                    "room_id": e.room_id,
                    "room_version": e.room_version,
                    "occurred_at": e.occurred_at,
                    "schema_fingerprint": e.schema_fingerprint,
                    "payload": e.payload,
                    "published_at": None,
                }
                for e in map(self._encoder.encode, events)
            ]
            # One row is one execute, not an executemany.
            self._connection.execute(_OUTBOX_INSERT, rows[0] if len(rows) == 1 else rows)
        self._connection.commit()

    def _rollback(self) -> None:
        if self._connection is not None:
            self._connection.rollback()
            self._connection.close()
            self._connection = None
