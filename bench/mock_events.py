"""The mock's event publishing rate against a raw pika loop publishing the same bytes.

1. Stateful `createRoom` calls through the mock's engine with `--amqp-url` wiring: each
   write is mapped to a RoomCreated, encoded by rooms-events and published with publisher
   confirms before the call returns (what `rooms-mock --stateful --amqp-url` does per request).
2. The mock's relay alone, publishing those same events again (no write, no encoding).
3. A raw pika loop: the same bodies, properties and headers, confirms on: the baseline of 2.
4. The same plain mock writes (no events), each followed by a raw pika publish of the same
   bytes: the baseline of 1. Interleaving matters: a broker that waits between messages
   confirms each one slower than a back-to-back stream, so 1 is compared with 4, not 3.
Ratios are taken in the same run, best of three rounds. Run with `nox -s bench -- bench/mock_events.py`
(needs RabbitMQ; ROOMS_TEST_AMQP_URL overrides; BENCH_EVENTS sets the count).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

import pika

from rooms_mock.engine import MockEngine, MockOptions, MockRequest
from rooms_mock.events.amqp import AmqpEventPublisher, message_properties
from rooms_mock.events.contract import EventContract, load_contract
from rooms_mock.events.emitter import EventEmitter
from rooms_mock.events.outgoing import OutgoingEvent
from rooms_mock.events.publishing import EventRelay

ROOT = Path(__file__).resolve().parents[1]
AMQP_URL = os.environ.get("ROOMS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000"))
ROUNDS = 3
HEADERS = {"x-api-key": "bench-key", "content-type": "application/json"}


def _room(number: int) -> bytes:
    return json.dumps(
        {
            "name": "Bench room",
            "description": "Seeded for the mock events benchmark.",
            "price": 85000,
            "monthly_price": 85000,
            "currency": "EUR",
            "recurrence": "monthly",
            "provider": "bench.example",
            "url": f"https://bench.example/mock/{number}",
            "property_size": 14,
            "area": {"name": "Centre", "city": "Lisbon", "country": "PT"},
            "coordinates": {"lat": 38.7, "lon": -9.1},
            "images": [{"url": "https://bench.example/img/1.jpg"}],
        }
    ).encode()


def _engine() -> MockEngine:
    engine = MockEngine.from_path(ROOT / "contracts" / "openapi.yaml", MockOptions(stateful=True))
    if not EventEmitter(load_contract(), engine.document).emits:
        raise SystemExit("contracts/openapi.yaml has no x-emits: the mock would publish nothing")
    return engine


class _KeepingPublisher(AmqpEventPublisher):
    """The mock's publisher, keeping what it published so the baselines send the same bytes."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.sent: list[OutgoingEvent] = []

    def publish(self, events: Iterable[OutgoingEvent]) -> None:
        batch = list(events)
        super().publish(batch)
        self.sent.extend(batch)


def _raw(events: list[OutgoingEvent], engine: MockEngine | None = None) -> float:
    """Raw pika with confirms; with an engine, each publish follows one plain mock write."""
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    channel.confirm_delivery()
    requests = [MockRequest("POST", "/rooms", "", HEADERS, _room(n)) for n in range(EVENTS)]
    started = time.perf_counter()
    for request, event in zip(requests, events, strict=True):
        if engine is not None:
            engine.handle(request)
        channel.basic_publish(
            event.exchange, event.routing_key, event.body, message_properties(event)
        )
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def _timed_creates(engine: MockEngine) -> float:
    requests = [MockRequest("POST", "/rooms", "", HEADERS, _room(n)) for n in range(EVENTS)]
    started = time.perf_counter()
    for request in requests:
        assert engine.handle(request).status == 201
    return time.perf_counter() - started


def _round(contract: EventContract) -> tuple[float, ...]:
    """One run of each, in writes or events per second (see the module's docstring)."""
    plain = EVENTS / _timed_creates(_engine())
    engine = _engine()
    keeping = _KeepingPublisher(AMQP_URL)
    engine.add_write_listener(EventRelay(EventEmitter(contract, engine.document), keeping))
    mock = EVENTS / _timed_creates(engine)
    keeping.close()
    if len(keeping.sent) != EVENTS:
        raise SystemExit(f"the mock published {len(keeping.sent)} events for {EVENTS} writes")
    with AmqpEventPublisher(AMQP_URL) as publisher:
        relay = EventRelay(EventEmitter(contract, engine.document), publisher)
        started = time.perf_counter()
        relay.send(keeping.sent)
        relay_rate = EVENTS / (time.perf_counter() - started)
    raw = EVENTS / _raw(keeping.sent)
    return plain, mock, relay_rate, raw, EVENTS / _raw(keeping.sent, _engine())


def main() -> None:
    exchange = f"rooms-mock-bench-{uuid.uuid4().hex[:8]}"
    contract = load_contract().on_exchange(exchange)
    sink = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = sink.channel()
    channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    # A queue that takes everything: every run publishes to a routed, persisting target.
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, exchange, routing_key="#")
    try:
        rounds = []
        for _ in range(ROUNDS):
            rounds.append(_round(contract))
            channel.queue_purge(queue)
    finally:
        channel.exchange_delete(exchange)
        sink.close()
    # The best of each over the rounds: a shared machine only ever makes a run slower.
    plain, mock, relay, raw, raw_writes = (max(column) for column in zip(*rounds, strict=True))
    print(f"\nbest of {ROUNDS} rounds of {EVENTS} events each")
    print(f"mock createRoom, no --amqp-url (reference): {plain:8.0f} writes/s")
    print(f"mock createRoom + RoomCreated published:    {mock:8.0f} events/s")
    print(f"mock relay alone, same events:              {relay:8.0f} events/s")
    print(f"raw pika loop, same bytes with confirms:    {raw:8.0f} events/s")
    print(f"plain mock write, then raw pika publish:    {raw_writes:8.0f} events/s")
    print(f"mock relay / raw pika = {relay / raw:.2f}x")
    print(f"mock write+publish / (plain write + raw pika) = {mock / raw_writes:.2f}x")


if __name__ == "__main__":
    main()
