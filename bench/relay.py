"""Outbox-to-RabbitMQ throughput against a raw pika loop, and Avro codec speed against baselines.

1. The relay drains N outbox rows to RabbitMQ with publisher confirms; a raw pika loop
   publishes the same N payloads with the same properties and confirms. Ratio relay/raw.
2. Encode + decode of one RoomCreated per second: our single-object codec (fastavro)
   against the Apache `avro` package and against stdlib json of the same data.
Run with `nox -s bench -- bench/relay.py` (needs RabbitMQ; ROOMS_TEST_AMQP_URL overrides).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

import avro.io
import avro.schema
import pika
from sqlalchemy import Engine, select

from rooms.adapters.amqp_publisher import EXCHANGE, AmqpPublisher, message_properties
from rooms.adapters.avro import AvroEventEncoder
from rooms.adapters.avro.event_records import event_record
from rooms.adapters.orm import outbox
from rooms.adapters.outbox_relay import OutboxRelay, _encoded
from rooms.bootstrap import bootstrap
from rooms.config import Settings
from rooms.domain.events import RoomCreated
from rooms.domain.model import Area, Coordinates, Image, Recurrence, Room, RoomDraft
from rooms.service_layer.room_service import RoomService
from rooms_events import HEADER_SIZE, decode, encode

AMQP_URL = os.environ.get("ROOMS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
EVENTS = int(os.environ.get("BENCH_EVENTS", "3000"))


def draft(number: int) -> RoomDraft:
    return RoomDraft(
        name="Bench room",
        description="Seeded for the relay benchmark.",
        price=85000,
        monthly_price=85000,
        currency="EUR",
        recurrence=Recurrence.MONTHLY,
        provider="bench.example",
        url=f"https://bench.example/relay/{number}",
        property_size=14,
        area=Area(name="Centre", city="Lisbon", country="PT"),
        coordinates=Coordinates(lat=38.7, lon=-9.1),
        images=(Image(url="https://bench.example/img/1.jpg"),),
    )


def relay_against_raw_pika() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env({"ROOMS_DATABASE_URL": f"sqlite:///{folder}/relay.sqlite3"})
        injector = bootstrap(settings)
        service = injector.get(RoomService)
        for number in range(EVENTS):
            service.create(draft(number))
        engine = injector.get(Engine)
        with engine.connect() as connection:
            rows = [
                _encoded(row) for row in connection.execute(select(outbox).order_by(outbox.c.id))
            ]

        # A queue that takes everything, so both runs publish to a routed, persisting target.
        sink = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
        channel = sink.channel()
        channel.exchange_declare(EXCHANGE, exchange_type="topic", durable=True)
        queue = channel.queue_declare("", exclusive=True).method.queue
        channel.queue_bind(queue, EXCHANGE, routing_key="room.*")

        publisher = AmqpPublisher(AMQP_URL)
        relay = OutboxRelay(engine, publisher, batch_size=500)
        started = time.perf_counter()
        while relay.publish_pending():
            pass
        relay_seconds = time.perf_counter() - started
        publisher.close()

        raw = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
        raw_channel = raw.channel()
        raw_channel.confirm_delivery()
        started = time.perf_counter()
        for event in rows:
            raw_channel.basic_publish(
                EXCHANGE, event.routing_key, event.payload, message_properties(event)
            )
        raw_seconds = time.perf_counter() - started
        raw.close()
        channel.queue_purge(queue)
        sink.close()

    relay_rate, raw_rate = len(rows) / relay_seconds, len(rows) / raw_seconds
    print(
        f"\nrelay, outbox -> RabbitMQ with confirms: {relay_rate:8.0f} events/s ({len(rows)} events)"
    )
    print(f"raw pika loop, same bytes with confirms: {raw_rate:8.0f} events/s")
    print(f"relay / raw pika = {relay_rate / raw_rate:.2f}x")


def per_second(operation: Callable[[], Any], seconds: float = 2.0) -> float:
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(100):
            operation()
        count += 100
    return count / elapsed


def codec_against_baselines() -> None:
    encoder = AvroEventEncoder()
    writer = encoder.store.latest("RoomCreated")
    event = RoomCreated(room=Room.create(draft(0)))
    record = event_record(event)
    store = encoder.store

    def ours() -> None:
        decode(store, encode(writer, record))

    reference = avro.schema.parse(json.dumps(writer.schema))
    # Apache avro wants uuid logical values as strings; give it the same data that way.
    apache_record = json.loads(json.dumps(record, default=str))
    apache_record["occurred_at"] = record["occurred_at"]
    apache_record["room"]["created_at"] = record["room"]["created_at"]
    apache_record["room"]["updated_at"] = record["room"]["updated_at"]
    datum_writer, datum_reader = avro.io.DatumWriter(reference), avro.io.DatumReader(reference)

    def apache() -> None:
        buffer = io.BytesIO()
        buffer.write(b"\xc3\x01" + writer.fingerprint)
        datum_writer.write(apache_record, avro.io.BinaryEncoder(buffer))
        buffer.seek(HEADER_SIZE)
        datum_reader.read(avro.io.BinaryDecoder(buffer))

    def stdlib_json() -> None:
        json.loads(json.dumps(record, default=str))

    rates = {
        name: per_second(fn)
        for name, fn in [("ours", ours), ("apache", apache), ("json", stdlib_json)]
    }
    print(f"\nRoomCreated encode+decode, single-object (fastavro): {rates['ours']:9.0f}/s")
    print(f"Apache avro package, same record:                  {rates['apache']:9.0f}/s")
    print(f"stdlib json, same data:                            {rates['json']:9.0f}/s")
    print(
        f"ours / Apache avro = {rates['ours'] / rates['apache']:.2f}x; ours / json = {rates['ours'] / rates['json']:.2f}x"
    )


if __name__ == "__main__":
    relay_against_raw_pika()
    codec_against_baselines()
