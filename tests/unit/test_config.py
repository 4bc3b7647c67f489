"""Settings: sane defaults, and a message naming the variable when one is bad."""

from __future__ import annotations

import pytest

from rooms.config import ConfigError, Settings


def test_defaults_are_the_embedded_database_without_a_broker() -> None:
    settings = Settings.from_env({})
    assert settings.database_url.startswith("sqlite:///")
    assert settings.amqp_url is None
    assert settings.auto_migrate is True
    assert settings.api_keys == ()


def test_postgres_urls_get_the_psycopg_driver_and_no_auto_migration() -> None:
    settings = Settings.from_env({"ROOMS_DATABASE_URL": "postgresql://u@h:5432/db"})
    assert settings.database_url == "postgresql+psycopg://u@h:5432/db"
    assert settings.auto_migrate is False


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ROOMS_DATABASE_URL", "mysql://x"),
        ("ROOMS_AMQP_URL", "http://broker"),
        ("ROOMS_MAX_BODY_BYTES", "lots"),
        ("ROOMS_MAX_BODY_BYTES", "10"),
        ("ROOMS_VALIDATE_RESPONSES", "maybe"),
        ("ROOMS_API_KEYS", "short"),
        ("ROOMS_LOG_LEVEL", "chatty"),
        ("ROOMS_AMQP_EXCHANGE", "has space"),
        ("ROOMS_DB_CONNECT_TIMEOUT", "1"),
        ("ROOMS_DB_POOL_TIMEOUT", "soon"),
        ("ROOMS_DB_STATEMENT_TIMEOUT", "0"),
        ("ROOMS_RETRY_AFTER", "0"),
        ("ROOMS_MAX_WAITING_CONNECTIONS", "-1"),
        ("ROOMS_CONNECTION_QUEUE_TIMEOUT", "0"),
    ],
)
def test_a_bad_setting_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({variable: value})


def test_api_keys_are_split_and_trimmed() -> None:
    settings = Settings.from_env({"ROOMS_API_KEYS": " first-key-1 , second-key-2,"})
    assert settings.api_keys == ("first-key-1", "second-key-2")


def test_the_exchange_defaults_to_the_contracts_and_can_be_renamed() -> None:
    assert Settings.from_env({}).amqp_exchange is None  # the publisher reads asyncapi.yaml's
    renamed = Settings.from_env({"ROOMS_AMQP_EXCHANGE": "rooms.events.run-1"})
    assert renamed.amqp_exchange == "rooms.events.run-1"


def test_database_waits_are_bounded_in_low_seconds_by_default() -> None:
    timeouts = Settings.from_env({}).db_timeouts
    assert timeouts.connect_seconds == 2
    assert 0 < timeouts.pool_seconds <= 5
    assert 0 < timeouts.statement_seconds <= 5
    assert (
        Settings.from_env({"ROOMS_DB_STATEMENT_TIMEOUT": "0.25"}).db_timeouts.statement_seconds
        == 0.25
    )


def test_the_connection_queue_is_bounded_by_default_and_configurable() -> None:
    limits = Settings.from_env({}).limits
    assert (limits.max_waiting_connections, limits.connection_queue_timeout_seconds) == (100, 5.0)
    configured = Settings.from_env(
        {"ROOMS_MAX_WAITING_CONNECTIONS": "0", "ROOMS_CONNECTION_QUEUE_TIMEOUT": "2.5"}
    ).limits
    assert (configured.max_waiting_connections, configured.connection_queue_timeout_seconds) == (
        0,
        2.5,
    )
