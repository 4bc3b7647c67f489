"""The mock's event publishing rate against a raw pika loop publishing the same bytes.

1. Stateful `createRoom` calls through the mock's engine with `--amqp-url` wiring: each
   write is mapped to a RoomCreated, encoded by rooms-events and published with publisher
   confirms before the call returns (what `rooms-mock --stateful --amqp-url` does per request).
2. The mock's relay alone, publishing those same events again (no write, no encoding).
3. A raw pika loop: the same bodies, properties and headers, confirms on: the baseline of 2.
4. The same plain mock writes (no events), each followed by a raw pika publish of the same
   bytes: the baseline of 1. Interleaving matters: a broker that waits between messages
   confirms each one slower than a back-to-back stream, so 1 is compared with 4, not 3.
Ratios are taken in the same run; the runs take turns block by block, so a shared machine's
busy moments fall on all of them. Run with `nox -s bench -- bench/mock_events.py`
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
EVENTS = int(os.environ.get("BENCH_EVENTS", "2000"))
BLOCK = 100  # the runs take turns every BLOCK writes, so a busy moment hits them all
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


class _Runs:
    """The five runs, each on its own engine and connection, fed the same writes block by block."""

    def __init__(self, contract: EventContract) -> None:
        self.plain = _engine()
        self.mock = _engine()
        self.keeping = _KeepingPublisher(AMQP_URL)
        self.mock.add_write_listener(
            EventRelay(EventEmitter(contract, self.mock.document), self.keeping)
        )
        self.alone = AmqpEventPublisher(AMQP_URL)
        self.relay = EventRelay(EventEmitter(contract, self.mock.document), self.alone)
        self.connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
        self.channel = self.connection.channel()
        self.channel.confirm_delivery()
        self.raw_writes = _engine()
        self.seconds = dict.fromkeys(("plain", "mock", "relay", "raw", "raw_writes"), 0.0)

    def block(self, requests: list[MockRequest], turn: int) -> None:
        """Every run over these writes: the mock's first (the others send the events it
        published), then the others, starting with a different one each block."""
        others = [self._plain, self._relay, self._raw, self._raw_writes]
        turned = others[turn % len(others) :] + others[: turn % len(others)]
        for run in [self._mock, *turned]:
            started = time.perf_counter()
            run(requests)
            self.seconds[run.__name__.lstrip("_")] += time.perf_counter() - started

    def _events(self, requests: list[MockRequest]) -> list[OutgoingEvent]:
        return self.keeping.sent[self._first(requests) : self._first(requests) + len(requests)]

    def _first(self, requests: list[MockRequest]) -> int:
        return int(json.loads(requests[0].body)["url"].rsplit("/", 1)[1])

    def _plain(self, requests: list[MockRequest]) -> None:
        for request in requests:
            self.plain.handle(request)

    def _mock(self, requests: list[MockRequest]) -> None:
        for request in requests:
            self.mock.handle(request)

    def _relay(self, requests: list[MockRequest]) -> None:
        self.relay.send(self._events(requests))

    def _raw(self, requests: list[MockRequest]) -> None:
        for event in self._events(requests):
            self.channel.basic_publish(
                event.exchange, event.routing_key, event.body, message_properties(event)
            )

    def _raw_writes(self, requests: list[MockRequest]) -> None:
        for request, event in zip(requests, self._events(requests), strict=True):
            self.raw_writes.handle(request)
            self.channel.basic_publish(
                event.exchange, event.routing_key, event.body, message_properties(event)
            )

    def close(self) -> None:
        self.keeping.close()
        self.alone.close()
        self.connection.close()


def main() -> None:
    exchange = f"rooms-mock-bench-{uuid.uuid4().hex[:8]}"
    contract = load_contract().on_exchange(exchange)
    sink = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = sink.channel()
    channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    # A queue that takes everything: every run publishes to a routed, persisting target.
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, exchange, routing_key="#")
    runs = _Runs(contract)
    try:
        requests = [MockRequest("POST", "/rooms", "", HEADERS, _room(n)) for n in range(EVENTS)]
        for turn, first in enumerate(range(0, EVENTS, BLOCK)):
            runs.block(requests[first : first + BLOCK], turn)
            channel.queue_purge(queue)
        if len(runs.keeping.sent) != EVENTS:
            raise SystemExit(f"the mock published {len(runs.keeping.sent)} events for {EVENTS}")
    finally:
        runs.close()
        channel.exchange_delete(exchange)
        sink.close()
    rate = {name: EVENTS / seconds for name, seconds in runs.seconds.items()}
    print(f"\n{EVENTS} writes/events per run, interleaved in blocks of {BLOCK}")
    print(f"mock createRoom, no --amqp-url (reference): {rate['plain']:8.0f} writes/s")
    print(f"mock createRoom + RoomCreated published:    {rate['mock']:8.0f} events/s")
    print(f"plain mock write, then raw pika publish:    {rate['raw_writes']:8.0f} events/s")
    print(f"mock relay alone, same events:              {rate['relay']:8.0f} events/s")
    print(f"raw pika loop, same bytes with confirms:    {rate['raw']:8.0f} events/s")
    print(f"mock relay / raw pika = {rate['relay'] / rate['raw']:.2f}x")
    print(
        f"mock write+publish / (plain write + raw pika) = {rate['mock'] / rate['raw_writes']:.2f}x"
    )


if __name__ == "__main__":
    main()
