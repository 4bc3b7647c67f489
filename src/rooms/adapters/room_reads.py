"""GET and list on a pooled DBAPI connection: the request path's reads without Core's per-call cost.

Profiled in process (a GET by id on SQLite, bench/service.py's request), the storage call
took about 250 µs of CPU through SQLAlchemy Core (Connection and transaction objects, eight
event dispatches, the compiled-cache lookup, Row objects, result processing) around a query
that costs SQLite 4 µs; that was the whole gap to connexion's ceiling. So reads run here:

- each statement shape (room_rows) is compiled by SQLAlchemy once per engine, and its values
  and results pass through the same SQLAlchemy type processors Core would apply;
- it runs on a connection checked out of the engine's own pool, so the pool's events still
  apply: PostgreSQL's bounded ping at checkout, the watchdog's bound on the reset at checkin;
- the statement itself is bounded by the same watchdog deadline as a Core statement;
- a DBAPI error is wrapped into SQLAlchemy's exception, and a broken connection invalidated,
  as Core does: the entry points answer an outage with the same 503.

Writes stay on Core (unit_of_work): they are transactions with savepoints, where its
bookkeeping earns its cost.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Engine, Select
from sqlalchemy import exc as sa_exc

from rooms.adapters.bounded_connections import WATCHDOG, round_trip_deadline
from rooms.adapters.repository import AbstractRoomRepository
from rooms.adapters.room_rows import (
    BY_ID,
    COLUMNS,
    Position,
    RoomFilter,
    list_shape,
    list_statement,
    list_values,
    room_from_values,
)
from rooms.domain.model import Room

Processor = Callable[[Any], Any]


@dataclass(slots=True)
class CompiledRead:
    """One SELECT as the driver takes it: its SQL, its parameters' order and processors."""

    sql: str
    # Parameter names in placeholder order for positional paramstyles; None: pass a dict.
    order: tuple[str, ...] | None
    binds: dict[str, Processor]
    # Values SQLAlchemy fixed at build time (SQLite's LIMIT comes with an OFFSET 0).
    defaults: dict[str, Any]
    dialect: Dialect
    # Known after the first execution: PostgreSQL's processors depend on the column's type code.
    results: tuple[Processor | None, ...] | None = None

    @classmethod
    def of(cls, statement: Select[Any], engine: Engine) -> CompiledRead:
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)
        if "POSTCOMPILE" in compiled.string:  # an expanding parameter: not a fixed shape
            raise ValueError(f"not a fixed statement: {compiled.string}")
        order = tuple(compiled.positiontup or ()) if compiled.positional else None
        used = set(order) if order is not None else set(compiled.binds)
        binds: dict[str, Processor] = {}
        defaults: dict[str, Any] = {}
        for name, parameter in compiled.binds.items():
            if name not in used:
                continue
            processor = parameter.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                binds[name] = processor
            if parameter.value is not None:
                defaults[name] = parameter.value
        return cls(compiled.string, order, binds, defaults, dialect)

    def parameters(self, values: dict[str, Any]) -> Any:
        binds = self.binds
        processed = {
            name: binds[name](value) if name in binds else value
            for name, value in {**self.defaults, **values}.items()
        }
        if self.order is None:
            return processed
        return tuple([processed[name] for name in self.order])

    def rooms(self, rows: Sequence[Sequence[Any]], description: Sequence[Any]) -> list[Room]:
        """`rows` as Rooms; `description` (the cursor's) is read only on the first call."""
        results = self.results
        if results is None:
            dialect = self.dialect
            results = self.results = tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, described[1])
                for column, described in zip(COLUMNS, description, strict=True)
            )
        return [
            room_from_values(
                [value if p is None else p(value) for p, value in zip(results, row, strict=True)]
            )
            for row in rows
        ]


class PooledReads:
    """Runs compiled reads on `engine`'s pool; one per engine (`for_engine`)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._dialect = engine.dialect
        self._error: type[Exception] = engine.dialect.loaded_dbapi.Error
        self._deadline = round_trip_deadline(engine)
        # psycopg opens a transaction with the first statement, and the pool then sends a
        # ROLLBACK at check-in: a second round trip a one-statement read does not need.
        self._autocommit = engine.dialect.name == "postgresql"
        self._compiled: dict[Hashable, CompiledRead] = {}

    def compiled(self, key: Hashable, build: Callable[[], Select[Any]]) -> CompiledRead:
        read = self._compiled.get(key)
        if read is None:  # a race builds it twice, to the same result
            read = self._compiled[key] = CompiledRead.of(build(), self._engine)
        return read

    def fetch(self, read: CompiledRead, values: dict[str, Any]) -> list[Room]:
        parameters = read.parameters(values)
        try:
            connection = self._engine.raw_connection()
        except self._error as error:
            raise self._wrapped(error, read, parameters, invalidated=False) from error
        try:
            dbapi_connection: Any = connection.dbapi_connection  # psycopg's or sqlite3's
            cursor = connection.cursor()
            if self._deadline is not None:
                WATCHDOG.arm(dbapi_connection, self._deadline)
            try:
                if self._autocommit:
                    dbapi_connection.autocommit = True
                cursor.execute(read.sql, parameters)
                rows = cursor.fetchall()
                # Read once per statement: psycopg builds the description anew on each access.
                description = cursor.description if read.results is None else ()
            except self._error as error:
                broken = self._dialect.is_disconnect(
                    error,  # type: ignore[arg-type]  # the driver's own Error class
                    dbapi_connection,
                    cursor,
                )
                if broken:
                    connection.invalidate(error)
                raise self._wrapped(error, read, parameters, invalidated=broken) from error
            finally:
                if self._deadline is not None and dbapi_connection is not None:
                    WATCHDOG.disarm(dbapi_connection)
                cursor.close()
                if self._autocommit and connection.is_valid:
                    dbapi_connection.autocommit = False
        finally:
            connection.close()  # back to the pool, which rolls back (under the watchdog)
        return read.rooms(rows, description)

    def _wrapped(
        self, error: Exception, read: CompiledRead, parameters: Any, *, invalidated: bool
    ) -> sa_exc.DBAPIError:
        return sa_exc.DBAPIError.instance(  # type: ignore[return-value]
            read.sql,
            parameters,
            error,
            self._error,
            connection_invalidated=invalidated,
            dialect=self._dialect,
        )


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, PooledReads] = weakref.WeakKeyDictionary()


def for_engine(engine: Engine) -> PooledReads:
    reads = _BY_ENGINE.get(engine)
    if reads is None:
        reads = _BY_ENGINE[engine] = PooledReads(engine)
    return reads


class PooledRoomReads(AbstractRoomRepository):
    """The read-only repository of a read-only unit of work: each read is one statement."""

    def __init__(self, reads: PooledReads) -> None:
        self._reads = reads

    def _get(self, room_id: uuid.UUID) -> Room | None:
        read = self._reads.compiled("by_id", lambda: BY_ID)
        found = self._reads.fetch(read, {"room_id": room_id})
        return found[0] if found else None

    def _list(self, where: RoomFilter, after: Position | None, limit: int) -> Sequence[Room]:
        shape = list_shape(where, after)
        read = self._reads.compiled(shape, lambda: list_statement(shape))
        return self._reads.fetch(read, list_values(where, after, limit))

    def _add(self, room: Room) -> None:
        raise TypeError("a read-only unit of work does not add rooms")

    def _replace(self, room: Room, expected_version: int) -> bool:
        raise TypeError("a read-only unit of work does not replace rooms")

    def _remove(self, room_id: uuid.UUID, expected_version: int) -> bool:
        raise TypeError("a read-only unit of work does not remove rooms")
