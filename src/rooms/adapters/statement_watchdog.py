"""A client-side deadline for every database round trip, enforced by breaking the connection.

The database's own `statement_timeout` cannot fire when the network is what stalls (a
failover, a partition, a silent proxy): the statement never arrives, or its answer never
comes back, and the driver waits in `recv` for ever. A watchdog thread therefore holds a
deadline for each round trip in flight and, past it, breaks that connection from outside:
the PostgreSQL socket is shut down (the waiting call fails at once with a disconnect,
SQLAlchemy invalidates the connection), a SQLite statement is interrupted. The request
then fails with an OperationalError, which the entry points answer with a 503.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("rooms.database")

# How often the watchdog looks at the deadlines: the precision of every bound it enforces.
_TICK_SECONDS = 0.1


def break_connection(dbapi_connection: Any) -> None:
    """Make a blocked call on `dbapi_connection` fail now, from another thread."""
    interrupt = getattr(dbapi_connection, "interrupt", None)
    if interrupt is not None:  # sqlite3: aborts the running statement
        with contextlib.suppress(Exception):
            interrupt()
        return
    try:
        fd = dbapi_connection.fileno()
    except Exception:  # already closed or never connected: nothing to break
        return
    # shutdown() acts on the socket itself, so a duplicate descriptor reaches the one
    # psycopg is blocked on, and closing the duplicate leaves psycopg's descriptor alone.
    with (
        contextlib.suppress(OSError),
        socket.socket(fileno=os.dup(fd)) as duplicate,
    ):
        duplicate.shutdown(socket.SHUT_RDWR)


class StatementWatchdog:
    """Deadlines keyed by DBAPI connection; one daemon thread enforces them all."""

    def __init__(self, breaker: Callable[[Any], None] = break_connection) -> None:
        self._breaker = breaker
        self._deadlines: dict[int, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def arm(self, dbapi_connection: Any, seconds: float) -> None:
        """From now, `dbapi_connection` has `seconds` until it is broken (re-arming moves it)."""
        with self._lock:
            self._deadlines[id(dbapi_connection)] = (time.monotonic() + seconds, dbapi_connection)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="db-statement-watchdog", daemon=True
                )
                self._thread.start()

    def disarm(self, dbapi_connection: Any) -> None:
        with self._lock:
            self._deadlines.pop(id(dbapi_connection), None)

    def _watch(self) -> None:
        while True:
            time.sleep(_TICK_SECONDS)
            now = time.monotonic()
            with self._lock:
                expired = [
                    (key, connection)
                    for key, (deadline, connection) in self._deadlines.items()
                    if deadline <= now
                ]
                for key, _ in expired:
                    del self._deadlines[key]
            for _, connection in expired:
                log.warning("database: a round trip passed its deadline; breaking the connection")
                self._breaker(connection)
