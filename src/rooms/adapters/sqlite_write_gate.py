"""One SQLite writer at a time per process, queued on a lock rather than in SQLite's busy loop.

SQLite's busy handler polls for the write lock with sleeps that grow to 100 ms, so with ten
writers at once the unlucky ones sleep far longer than any writer holds the lock: the POST
p99 was hundreds of milliseconds while a write takes a few. A writer of this process waits
here instead and is woken as soon as the previous one has given its connection back. Other
processes (a second worker, `rooms db`) still queue in busy_timeout as before. The wait is
bounded like any other: past `seconds` the writer fails with the error SQLite itself gives
("database is locked"), which the entry points answer with a 503.
"""

from __future__ import annotations

import collections
import sqlite3
import threading
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError


class FifoLock:
    """A lock handed to its waiters in the order they came: threading.Lock picks any of them.

    Under ten writers the unfair lock let some wait several turns; the POST p99 is
    the writer that waited longest, so the order is the tail.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: collections.deque[threading.Lock] = collections.deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=timeout):
            return True  # release() handed the lock over
        with self._mutex:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
                return False
        return True  # handed over just as the wait ran out: ours, to release as usual

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # held throughout: passed, not freed
            else:
                self._held = False


class WriteGate:
    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._lock = FifoLock()
        self._holders: set[int] = set()  # connection records whose writer holds the gate

    def install(self, engine: Engine) -> None:
        # Given back with the connection, whatever became of its transaction or the connection.
        event.listen(engine.pool, "checkin", self._release)

    def enter(self, connection: Any) -> None:
        """Before `connection` (a SQLAlchemy Connection) begins a write transaction."""
        if not self._lock.acquire(timeout=self._seconds):
            raise OperationalError(
                "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked")
            )
        self._holders.add(id(connection.connection._connection_record))

    def leave(self, connection: Any) -> None:
        """`connection` will not write after all (its BEGIN failed): the next writer may."""
        self._release(None, connection.connection._connection_record)

    def _release(self, _dbapi_connection: Any, record: Any) -> None:
        key = id(record)
        if key in self._holders:
            self._holders.discard(key)
            self._lock.release()
