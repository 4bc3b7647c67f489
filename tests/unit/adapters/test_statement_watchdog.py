"""The watchdog breaks a connection past its deadline, and leaves alone one that was disarmed."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from rooms.adapters.statement_watchdog import StatementWatchdog


def test_a_connection_past_its_deadline_is_broken_once() -> None:
    broken: list[object] = []
    done = threading.Event()
    watchdog = StatementWatchdog(lambda connection: (broken.append(connection), done.set()))
    late, on_time = object(), object()
    watchdog.arm(late, 0.2)
    watchdog.arm(on_time, 0.2)
    watchdog.disarm(on_time)
    assert done.wait(2)
    time.sleep(0.3)
    assert broken == [late]


def test_a_running_sqlite_statement_is_interrupted() -> None:
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    StatementWatchdog().arm(connection, 0.2)
    started = time.monotonic()
    endless = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    )
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        connection.execute(endless)
    assert time.monotonic() - started < 2
    connection.close()
