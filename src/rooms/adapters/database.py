"""Engines for the embedded SQLite file and for PostgreSQL, and the migrations that shape them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

from rooms.adapters.bounded_connections import bound_round_trips
from rooms.adapters.sqlite_checkpointer import SAFETY_NET_PAGES, start_checkpointer
from rooms.adapters.sqlite_write_gate import WriteGate
from rooms.config import DatabaseTimeouts

_MIGRATIONS = Path(__file__).with_name("migrations")
# Migrations may rebuild large tables: they run without the request time-outs.
UNBOUNDED = DatabaseTimeouts(
    connect_seconds=30, pool_seconds=30, statement_seconds=0, retry_after_seconds=5
)

# a2wsgi's default thread count, the threads connexion's FlaskApp runs its WSGI app in.
SQLITE_POOL_SIZE = 10


def make_engine(url: str, timeouts: DatabaseTimeouts = UNBOUNDED) -> Engine:
    """The engine for `url`; every wait on it is bounded by `timeouts` (0 s: no statement bound)."""
    if url.startswith("sqlite"):
        engine = _sqlite_engine(url, timeouts)
    else:
        statement_ms = int(timeouts.statement_seconds * 1000)
        engine = create_engine(
            url,
            pool_size=10,
            max_overflow=10,
            # A restarted database costs one retry, not an error. With a statement bound,
            # bounded_connections pings instead, under the same deadline as any statement.
            pool_pre_ping=not timeouts.statement_seconds,
            pool_timeout=timeouts.pool_seconds,
            connect_args={
                "connect_timeout": timeouts.connect_seconds,
                # The server cancels what runs too long and gives up on locks it waits for;
                # a transaction left idle by a vanished client does not hold its locks for ever.
                "options": f"-c statement_timeout={statement_ms} -c lock_timeout={statement_ms}"
                f" -c idle_in_transaction_session_timeout={max(statement_ms * 4, 60_000)}",
            },
        )
    if timeouts.statement_seconds:
        bound_round_trips(engine, timeouts)
    return engine


def _sqlite_engine(url: str, timeouts: DatabaseTimeouts) -> Engine:
    pool: dict[str, Any] = {}
    file_path: str | None = None
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        file_path = url.removeprefix("sqlite:///")
        Path(file_path).parent.mkdir(parents=True, exist_ok=True)
        # A file's QueuePool keeps as many connections as the WSGI bridge has threads, so
        # that none is closed on return and reopened (with its PRAGMAs) under load.
        pool = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": 10}
    busy_ms = int((timeouts.statement_seconds or 30) * 1000)
    engine = create_engine(url, connect_args={"timeout": busy_ms / 1000}, **pool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks savepoints; we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers work while one writer writes; busy_timeout queues writers.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Checkpoints run on sqlite_checkpointer's thread; this is only its safety net.
        cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}")
        cursor.close()

    gate = WriteGate(busy_ms / 1000)
    gate.install(engine)
    if file_path is not None:
        start_checkpointer(engine, file_path)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode != "IMMEDIATE":
            connection.exec_driver_sql(f"BEGIN {mode}")
            return
        gate.enter(connection)
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except BaseException:  # another process kept the lock past busy_timeout
            gate.leave(connection)
            raise

    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to `revision` (`rooms db upgrade`)."""
    command.upgrade(alembic_config(engine), revision)
