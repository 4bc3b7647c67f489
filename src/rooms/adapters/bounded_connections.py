"""Engine hooks that put a deadline on every database round trip and ping before each use.

A statement, a commit, a rollback and the pre-use ping each get `statement_seconds` (plus a
second's grace, so PostgreSQL's own statement_timeout answers first when the server is the
slow part); past it the watchdog breaks the connection. A connection that fails its ping
is replaced before the request sees it, unless it came back healthy within FRESH_SECONDS.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from sqlalchemy import Engine, event, exc

from rooms.adapters.statement_watchdog import StatementWatchdog
from rooms.config import DatabaseTimeouts

_GRACE_SECONDS = 1.0
# A pooled connection returned this recently, without error, is handed out without a ping.
FRESH_SECONDS = 1.0
_RETURNED_AT = "rooms_returned_at"
WATCHDOG = StatementWatchdog()
# Each bounded engine's deadline, for the reads that run on its DBAPI connections (room_reads).
_DEADLINES: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


def round_trip_deadline(engine: Engine) -> float | None:
    """The seconds a round trip on `engine` may take before the watchdog breaks it (None: unbounded)."""
    return _DEADLINES.get(engine)


def bound_round_trips(engine: Engine, timeouts: DatabaseTimeouts) -> None:
    deadline = timeouts.statement_seconds + _GRACE_SECONDS
    _DEADLINES[engine] = deadline
    network = engine.dialect.name != "sqlite"

    def arm_connection(connection: Any, *_: Any) -> None:
        WATCHDOG.arm(connection.connection.dbapi_connection, deadline)

    def disarm_connection(connection: Any, *_: Any) -> None:
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection is not None:
            WATCHDOG.disarm(dbapi_connection)

    def arm_dbapi(dbapi_connection: Any, *_: Any) -> None:
        WATCHDOG.arm(dbapi_connection, deadline)

    def disarm_dbapi(dbapi_connection: Any, *_: Any) -> None:
        if dbapi_connection is not None:
            WATCHDOG.disarm(dbapi_connection)

    def disarm_on_error(context: Any) -> None:
        connection = context.connection
        if connection is not None and not connection.invalidated:
            disarm_connection(connection)

    event.listen(engine, "before_cursor_execute", arm_connection)
    event.listen(engine, "after_cursor_execute", disarm_connection)
    event.listen(engine, "handle_error", disarm_on_error)
    # COMMIT and ROLLBACK are round trips too; the deadline stays until the connection is back.
    event.listen(engine, "commit", arm_connection)
    event.listen(engine, "rollback", arm_connection)
    event.listen(engine.pool, "reset", arm_dbapi)
    event.listen(engine.pool, "checkin", disarm_dbapi)
    event.listen(engine.pool, "invalidate", disarm_dbapi)
    event.listen(engine.pool, "close", disarm_dbapi)
    if network:
        # A connection whose ping stalls is replaced, and the replacement's connect is
        # bounded by connect_timeout: the ping's own bound is as short as a connect's.
        event.listen(engine.pool, "checkout", _ping_within(float(timeouts.connect_seconds)))
        event.listen(engine.pool, "checkin", _note_return)


def _ping_within(seconds: float) -> Any:
    def ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        # A connection that came back healthy a moment ago is not asked again: under load
        # the ping was a third of a read's round trips (bench/service.py on PostgreSQL). One
        # broken in that moment fails its request with a 503 and is replaced, as a cut does.
        if time.monotonic() - record.info.get(_RETURNED_AT, -FRESH_SECONDS) < FRESH_SECONDS:
            return
        # SQLAlchemy's pool_pre_ping would wait for ever on a silent network.
        WATCHDOG.arm(dbapi_connection, seconds)
        try:
            # In autocommit the ping opens no transaction, so no ROLLBACK has to follow it.
            dbapi_connection.autocommit = True
            try:
                cursor = dbapi_connection.cursor()
                try:
                    cursor.execute("SELECT 1")
                finally:
                    cursor.close()
            finally:
                dbapi_connection.autocommit = False
        except Exception as error:
            # The pool discards this connection and checks out (or opens) another one.
            raise exc.DisconnectionError(f"connection failed its ping: {error}") from error
        finally:
            WATCHDOG.disarm(dbapi_connection)

    return ping


def _note_return(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[_RETURNED_AT] = time.monotonic()
