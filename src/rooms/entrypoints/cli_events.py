"""`rooms relay` and `rooms events ...`: move events to RabbitMQ, and watch them."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from typing import Any

import click
from sqlalchemy import inspect, select

from rooms.adapters.orm import outbox
from rooms_events import AvroDecodeError, DecodedEvent, decode_event


def _json_line(value: dict[str, Any]) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def _event_json(event: DecodedEvent) -> dict[str, Any]:
    return {
        "type": event.type,
        "schema_version": event.writer_version,
        "fingerprint": event.fingerprint,
        **event.record,
    }


@click.command()
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 10_000))
def relay(batch_size: int) -> None:
    """Publish outbox events to RabbitMQ (ROOMS_AMQP_URL) until interrupted."""
    from rooms.adapters.amqp_publisher import AmqpPublisher
    from rooms.adapters.database import make_engine
    from rooms.adapters.outbox_relay import OutboxRelay
    from rooms.entrypoints.cli import load_settings

    settings = load_settings()
    if not settings.amqp_url:
        raise click.UsageError("ROOMS_AMQP_URL is not set: the relay has nowhere to publish")
    logging.basicConfig(level=settings.log_level, format="%(message)s", stream=sys.stderr)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(
        f"relay: outbox of {settings.database_url} -> {settings.amqp_url}"
        f" (exchange {settings.amqp_exchange or 'of asyncapi.yaml'})",
        err=True,
    )
    engine = make_engine(settings.database_url)
    publisher = AmqpPublisher(settings.amqp_url, exchange=settings.amqp_exchange)
    OutboxRelay(engine, publisher, batch_size=batch_size).run(stop)


@click.group()
def events() -> None:
    """Room events: the outbox, and the broker."""


@events.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include events already published.")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1))
def list_events(show_all: bool, limit: int) -> None:
    """Print outbox events, decoded, as JSON lines (oldest first)."""
    from rooms.adapters.database import make_engine
    from rooms.entrypoints.cli import load_settings

    settings = load_settings()
    engine = make_engine(settings.database_url)
    if not inspect(engine).has_table(outbox.name):
        # A database never migrated (an empty SQLite file) has no events; say why it is empty,
        # since a mistyped path would look the same.
        click.echo(
            f"{settings.database_url}: no outbox table (never migrated; `rooms db upgrade` "
            "creates it), so no events",
            err=True,
        )
        return
    query = select(outbox).order_by(outbox.c.id).limit(limit)
    if not show_all:
        query = query.where(outbox.c.published_at.is_(None))
    with engine.connect() as connection:
        for row in connection.execute(query):
            line = _event_json(decode_event(bytes(row.payload)))
            line["published_at"] = row.published_at
            click.echo(_json_line(line))


@events.command()
@click.option(
    "--key",
    "keys",
    multiple=True,
    default=["room.*"],
    show_default=True,
    help="Routing key pattern to bind; repeatable.",
)
@click.option(
    "--queue", default="", help="A durable queue to bind (default: a private, temporary one)."
)
@click.option("--count", type=click.IntRange(1), help="Stop after this many events.")
def consume(keys: tuple[str, ...], queue: str, count: int | None) -> None:
    """Bind a queue to the events exchange (ROOMS_AMQP_EXCHANGE) and print each event as JSON."""
    import pika

    from rooms.adapters.amqp_publisher import bundled_transport
    from rooms.entrypoints.cli import load_settings

    transport = bundled_transport()
    settings = load_settings()
    exchange = settings.amqp_exchange or transport.exchange  # renamed by ROOMS_AMQP_EXCHANGE
    if not settings.amqp_url:
        raise click.UsageError("ROOMS_AMQP_URL is not set: nothing to consume from")
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    channel = connection.channel()
    # Declared as the relay declares it (a topic exchange must exist before a queue binds).
    channel.exchange_declare(
        exchange,
        exchange_type=transport.exchange_type,
        durable=transport.durable,
        auto_delete=transport.auto_delete,
    )
    declared = channel.queue_declare(
        queue, durable=bool(queue), exclusive=not queue, auto_delete=not queue
    )
    name = declared.method.queue
    for key in keys:
        channel.queue_bind(name, exchange, routing_key=key)
    click.echo(f"consuming {', '.join(keys)} from {exchange} on queue {name}", err=True)
    seen = 0
    try:
        for method, properties, body in channel.consume(name):
            try:
                line = _event_json(decode_event(body))
            except AvroDecodeError as error:
                line = {"error": str(error), "message_id": properties.message_id}
            line["message_id"] = properties.message_id
            click.echo(_json_line(line))
            channel.basic_ack(method.delivery_tag)
            seen += 1
            if count is not None and seen >= count:
                break
    except KeyboardInterrupt:
        pass
    finally:
        connection.close()
