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
        )
