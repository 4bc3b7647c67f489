"""The `rooms` command: one click group; each area of the project adds its own subcommands."""

from __future__ import annotations

import logging
import secrets
import signal
import sys

import click

from rooms import __version__
from rooms.config import ConfigError, Settings
from rooms.entrypoints.cli_contracts import contracts
from rooms.entrypoints.cli_events import events, relay


def load_settings() -> Settings:
    """Settings from the environment, or a clean exit that names the bad variable."""
    try:
        return Settings.from_env()
    except ConfigError as error:
        raise click.UsageError(f"bad setting: {error}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rooms")
def main() -> None:
    """Run and operate the rooms service and its contract harness."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API with uvicorn (migrates the embedded SQLite database first)."""
    import os

    import uvicorn

    from rooms.entrypoints.http_protocol import BoundedH11Protocol

    settings = load_settings()
    limits = settings.limits
    logging.basicConfig(level=settings.log_level, format="%(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its per-plugin INFO lines are noise
    if not settings.api_keys:
        # Writes need a key; with none configured, make one up for this run rather than
        # serving an API nobody can write to, or one anybody can.
        key = secrets.token_urlsafe(24)
        os.environ["ROOMS_API_KEYS"] = key
        click.echo(f"ROOMS_API_KEYS is not set: this run accepts X-API-Key: {key}", err=True)
    if settings.auto_migrate:
        from rooms.adapters.database import make_engine, upgrade

        upgrade(make_engine(settings.database_url))
    click.echo(f"rooms: http://{host}:{port}/rooms  docs: http://{host}:{port}/ui/", err=True)
    # uvicorn stops gracefully on SIGTERM, then raises the signal again for the handler it
    # found: this one, so that a stop on SIGTERM exits 0 as process managers expect.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # The factory runs in every worker, so each builds its own engine and pools.
    uvicorn.run(
        "rooms.entrypoints.asgi:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        access_log=False,  # rooms.access logs one structured line per request instead
        # h11 with the bounds uvicorn lacks (head time-out and size, connection cap):
        # see http_protocol. The others are uvicorn's own settings.
        http=BoundedH11Protocol,
        # The API has no WebSocket. With one, an upgrade would hand the connection to
        # another protocol that never gives back its slot (http_protocol's cap).
        ws="none",
        h11_max_incomplete_event_size=limits.max_head_bytes,
        timeout_keep_alive=limits.keep_alive_seconds,
        timeout_graceful_shutdown=limits.shutdown_seconds,
    )


@main.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION on ROOMS_DATABASE_URL."""
    from rooms.adapters.database import make_engine, upgrade

    settings = load_settings()
    upgrade(make_engine(settings.database_url), revision)
    click.echo(f"database at {revision}: {settings.database_url}")


# Subcommands that live beside the code they drive are registered here, in one place.
main.add_command(contracts)
main.add_command(relay)
main.add_command(events)
