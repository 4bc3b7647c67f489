"""Settings: read once from ROOMS_* environment variables, checked before anything starts."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "sqlite:///rooms.sqlite3"
_EXCHANGE_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,255}$")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable and what it expects."""


def _int(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={value}: expected a number from {low} to {high}")
    return value


def _seconds(
    env: Mapping[str, str], name: str, default: float, *, low: float, high: float
) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a number of seconds") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={value}: expected seconds from {low} to {high}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r}: expected true or false")


def _database_url(env: Mapping[str, str]) -> str:
    url = env.get("ROOMS_DATABASE_URL") or DEFAULT_DATABASE_URL
    scheme = urlsplit(url).scheme.split("+")[0]
    if scheme not in {"sqlite", "postgresql", "postgres"}:
        raise ConfigError(
            f"ROOMS_DATABASE_URL={url!r}: expected sqlite:///PATH or postgresql://HOST/DB"
        )
    if scheme == "postgres":
        url = "postgresql" + url[len("postgres") :]
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship in the `postgres` extra.
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _amqp_url(env: Mapping[str, str]) -> str | None:
    url = env.get("ROOMS_AMQP_URL") or None
    if url is not None and urlsplit(url).scheme not in {"amqp", "amqps"}:
        raise ConfigError(f"ROOMS_AMQP_URL={url!r}: expected amqp://USER:PASSWORD@HOST:PORT/VHOST")
    return url


def _amqp_exchange(env: Mapping[str, str]) -> str | None:
    name = env.get("ROOMS_AMQP_EXCHANGE") or None
    if name is not None and not _EXCHANGE_NAME.match(name):
        raise ConfigError(
            f"ROOMS_AMQP_EXCHANGE={name!r}: expected 1-255 letters, digits, '.', '_', ':' or '-'"
        )
    return name


def _api_keys(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("ROOMS_API_KEYS", "")
    keys = tuple(key.strip() for key in raw.split(",") if key.strip())
    for key in keys:
        if len(key) < 8:
            raise ConfigError("ROOMS_API_KEYS: every key needs at least 8 characters")
    return keys


@dataclass(frozen=True, slots=True)
class DatabaseTimeouts:
    """How long a request may wait on the database before it is answered 503."""

    # libpq and psycopg count connect time-outs in whole seconds, and never below 2.
    connect_seconds: int = 2
    # Waiting for a free pooled connection.
    pool_seconds: float = 2.0
    # One statement (PostgreSQL statement_timeout and lock_timeout; SQLite busy_timeout).
    statement_seconds: float = 5.0
    # Retry-After on a 503: about how long an outage takes to notice and fail over.
    retry_after_seconds: int = 5

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DatabaseTimeouts:
        return cls(
            connect_seconds=_int(env, "ROOMS_DB_CONNECT_TIMEOUT", 2, low=2, high=60),
            pool_seconds=_seconds(env, "ROOMS_DB_POOL_TIMEOUT", 2.0, low=0.1, high=60),
            statement_seconds=_seconds(env, "ROOMS_DB_STATEMENT_TIMEOUT", 5.0, low=0.1, high=600),
            retry_after_seconds=_int(env, "ROOMS_RETRY_AFTER", 5, low=1, high=3600),
        )


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """What one client may make the server hold: bytes, time and connections."""

    max_json_depth: int = 32
    # The request line and headers together; past it, 431.
    max_head_bytes: int = 16 * 1024
    max_headers: int = 100
    # From connecting (or the end of the last answer) to a complete request head.
    head_timeout_seconds: float = 10.0
    # From a complete head to the end of its body.
    body_timeout_seconds: float = 10.0
    # uvicorn counts these two in whole seconds.
    keep_alive_seconds: int = 5
    # Open connections per worker that hold a slot (are served as usual).
    max_connections: int = 1000
    # Past the cap, this many more are accepted without a slot: probes are served on them,
    # other requests queue for a slot. Past both, new connections are closed at once.
    max_waiting_connections: int = 100
    # How long a request past the cap waits for a slot before a 503.
    connection_queue_timeout_seconds: float = 5.0
    # Requests in the application per worker; past it, 503 (the probes are never refused).
    max_in_flight: int = 64
    # On SIGTERM: how long requests in flight (and the relay's batch) may take to finish.
    shutdown_seconds: int = 10

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ServerLimits:
        return cls(
            max_json_depth=_int(env, "ROOMS_MAX_JSON_DEPTH", 32, low=2, high=256),
            max_head_bytes=_int(env, "ROOMS_MAX_HEAD_BYTES", 16 * 1024, low=1024, high=1 << 20),
            max_headers=_int(env, "ROOMS_MAX_HEADERS", 100, low=10, high=1000),
            head_timeout_seconds=_seconds(env, "ROOMS_HEAD_TIMEOUT", 10.0, low=0.1, high=300),
            body_timeout_seconds=_seconds(env, "ROOMS_BODY_TIMEOUT", 10.0, low=0.1, high=300),
            keep_alive_seconds=_int(env, "ROOMS_KEEP_ALIVE_TIMEOUT", 5, low=1, high=300),
            max_connections=_int(env, "ROOMS_MAX_CONNECTIONS", 1000, low=1, high=100_000),
            max_waiting_connections=_int(
                env, "ROOMS_MAX_WAITING_CONNECTIONS", 100, low=0, high=100_000
            ),
            connection_queue_timeout_seconds=_seconds(
                env, "ROOMS_CONNECTION_QUEUE_TIMEOUT", 5.0, low=0.1, high=300
            ),
            max_in_flight=_int(env, "ROOMS_MAX_IN_FLIGHT", 64, low=1, high=10_000),
            shutdown_seconds=_int(env, "ROOMS_SHUTDOWN_TIMEOUT", 10, low=1, high=600),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # Keys that may write. Empty means no client can write until keys are configured
    # (`rooms serve` then makes one up for the run and prints it).
    api_keys: tuple[str, ...] = field(default=())
    amqp_url: str | None = None
    # None: the exchange contracts/asyncapi.yaml names; another keeps parallel runs apart.
    amqp_exchange: str | None = None
    max_body_bytes: int = 64 * 1024
    # Response validation costs time on every request; tests and staging turn it on.
    validate_responses: bool = False
    # Apply migrations when the app starts; on by default for the embedded SQLite file.
    auto_migrate: bool = True
    log_level: str = "INFO"
    db_timeouts: DatabaseTimeouts = field(default_factory=DatabaseTimeouts)
    limits: ServerLimits = field(default_factory=ServerLimits)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        database_url = _database_url(env)
        log_level = env.get("ROOMS_LOG_LEVEL", "INFO").upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ConfigError(
                f"ROOMS_LOG_LEVEL={log_level!r}: expected DEBUG, INFO, WARNING or ERROR"
            )
        return cls(
            database_url=database_url,
            api_keys=_api_keys(env),
            amqp_url=_amqp_url(env),
            amqp_exchange=_amqp_exchange(env),
            max_body_bytes=_int(
                env, "ROOMS_MAX_BODY_BYTES", 64 * 1024, low=1024, high=16 * 1024 * 1024
            ),
            validate_responses=_bool(env, "ROOMS_VALIDATE_RESPONSES", False),
            auto_migrate=_bool(env, "ROOMS_AUTO_MIGRATE", database_url.startswith("sqlite")),
            log_level=log_level,
            db_timeouts=DatabaseTimeouts.from_env(env),
            limits=ServerLimits.from_env(env),
        )
