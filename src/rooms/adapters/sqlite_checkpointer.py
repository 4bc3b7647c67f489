"""WAL checkpoints on a thread of their own, not inside a request's COMMIT.

SQLite copies the write-ahead log back into the database file (and syncs it) when the log
passes `wal_autocheckpoint` pages, inside whichever COMMIT crossed the line. On this
machine that COMMIT took 5-10 ms instead of 0.3 (one write in a hundred), while it held
the write lock every other writer queues for: the POST p99 was those stalls, queued ten deep.

So request connections checkpoint only as a safety net (`SAFETY_NET_PAGES`, if this
thread falls behind or dies), and this thread runs a PASSIVE checkpoint every
`interval` seconds: PASSIVE never waits for readers or writers, and writers never wait for
it. One per engine; it stops when its engine is disposed or collected.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import weakref

from sqlalchemy import Engine, event

log = logging.getLogger("rooms.database")

# ~40 MB of log at SQLite's default page size: reached only if the thread stops.
SAFETY_NET_PAGES = 10_000
INTERVAL_SECONDS = 0.5


def start_checkpointer(engine: Engine, path: str, *, interval: float = INTERVAL_SECONDS) -> None:
    """Checkpoint the database file at `path` every `interval` s while `engine` lives."""
    stop = threading.Event()
    event.listen(engine, "engine_disposed", lambda _engine: stop.set())
    thread = threading.Thread(
        target=_run,
        args=(path, interval, stop, weakref.ref(engine)),
        name="sqlite-wal-checkpointer",
        daemon=True,
    )
    thread.start()


def _run(path: str, interval: float, stop: threading.Event, engine: weakref.ref[Engine]) -> None:
    connection: sqlite3.Connection | None = None
    try:
        while not stop.wait(interval) and engine() is not None:
            try:
                if connection is None:
                    # Its own connection, outside the pool: a checkpoint never takes a
                    # request's connection, and a busy database only skips one round.
                    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as error:  # locked or gone: try again next round
                log.debug("sqlite: checkpoint skipped (%s)", error)
    finally:
        if connection is not None:
            with contextlib.suppress(sqlite3.Error):
                connection.close()
