"""`rooms-mock --amqp-url URL` and `rooms-mock publish`: the events part of the command line.

Imported only when events are asked for, so the plain mock loads neither pika nor fastavro.
"""

from __future__ import annotations

import argparse
import json
import sys

from rooms_mock.engine import MockEngine
from rooms_mock.events import EventsExtraMissing, require_extra


class EventsSetupError(RuntimeError):
    """The events cannot be set up: the extra, the contracts or the broker; the text says which."""


class MockEvents:
    """The relay and the control endpoint of a running mock; follows the engine on reloads."""

    def __init__(self, engine: MockEngine, amqp_url: str, exchange: str | None = None) -> None:
        try:
            require_extra("--amqp-url")
        except EventsExtraMissing as error:
            raise EventsSetupError(str(error)) from None
        from rooms_mock.events.amqp import AmqpEventPublisher, BrokerUnavailable
        from rooms_mock.events.contract import ContractError, load_contract
        from rooms_mock.events.control import EventControls
        from rooms_mock.events.emitter import EventEmitter
        from rooms_mock.events.on_demand import OnDemand
        from rooms_mock.events.publishing import EventRelay

        try:
            self.contract = load_contract().on_exchange(exchange)
            emitter = EventEmitter(self.contract, engine.document)
        except ContractError as error:
            raise EventsSetupError(str(error)) from None
        try:
            publisher = AmqpEventPublisher(amqp_url)
            publisher.connect()
        except BrokerUnavailable as error:
            raise EventsSetupError(str(error)) from None
        self.relay = EventRelay(emitter, publisher)
        self.controls = EventControls(OnDemand(self.contract), self.relay)
        engine.add_write_listener(self.relay)

    def attach(self, engine: MockEngine) -> None:
        """Follow the engine a reload made: its spec's x-emits from now on, its writes heard."""
        from rooms_mock.events.contract import ContractError
        from rooms_mock.events.emitter import EventEmitter

        try:
            self.relay.emitter = EventEmitter(self.contract, engine.document)
        except ContractError as error:
            print(f"rooms-mock: {error}; the x-emits read before stay in force", flush=True)
        if self.relay not in engine.state.listeners:  # MockApp carries listeners over a reload
            engine.add_write_listener(self.relay)

    def describe(self, stateful: bool) -> list[str]:
        emits = self.relay.emitter.emits
        lines = [
            f"  events: {operation} -> {', '.join(messages)}"
            for operation, messages in emits.items()
        ]
        if not stateful:
            lines.append("  events: stateless, so writes emit nothing (--stateful to emit them)")
        lines.append("  publish on demand: POST /__mock__/events/{message}?example=NAME|dynamic")
        return lines

    def close(self) -> None:
        self.relay.publisher.close()


def publish_main(argv: list[str]) -> None:
    """`rooms-mock publish MESSAGE [--example NAME | --dynamic --seed N --count N] --amqp-url URL`"""
    parser = argparse.ArgumentParser(
        prog="rooms-mock publish",
        description="Publish a message's documented examples, or events drawn from its schema.",
    )
    parser.add_argument("message", nargs="?", help="e.g. RoomCreated (omit with --list)")
    parser.add_argument("--amqp-url", help="RabbitMQ, e.g. amqp://guest:guest@localhost:5672/%%2F")
    parser.add_argument("--example", metavar="NAME", help="one named example (default: all)")
    parser.add_argument("--dynamic", action="store_true", help="draw records from the schema")
    parser.add_argument("--seed", type=int, default=0, help="seed of drawn records (default 0)")
    parser.add_argument("--count", type=int, default=1, help="how many drawn records (default 1)")
    parser.add_argument("--list", action="store_true", help="list messages and examples, and stop")
    parser.add_argument(
        "--exchange", help="publish on this exchange instead of the contract's (a shared broker)"
    )
    args = parser.parse_args(argv)
    try:
        require_extra(
            "rooms-mock publish", ("rooms_events",) if args.list else ("rooms_events", "pika")
        )
    except EventsExtraMissing as error:
        sys.exit(f"rooms-mock: {error}")
    from rooms_mock.events.amqp import AmqpEventPublisher, BrokerUnavailable
    from rooms_mock.events.contract import ContractError, load_contract
    from rooms_mock.events.control import summary
    from rooms_mock.events.on_demand import OnDemand, OnDemandError

    try:
        contract = load_contract().on_exchange(args.exchange)
    except ContractError as error:
        sys.exit(f"rooms-mock: {error}")
    if args.list:
        for message in contract.messages:
            print(f"{message}: examples {', '.join(contract.examples(message)) or 'none'}")
        return
    if not args.message or not args.amqp_url:
        parser.error("MESSAGE and --amqp-url are required (or --list)")
    if args.dynamic and args.example:
        parser.error("--example and --dynamic exclude each other")
    on_demand = OnDemand(contract)
    try:
        if args.dynamic:
            events = on_demand.dynamic(args.message, seed=args.seed, count=args.count)
        else:
            events = on_demand.examples(args.message, args.example)
    except OnDemandError as error:
        sys.exit(f"rooms-mock: {error}")
    try:
        with AmqpEventPublisher(args.amqp_url) as publisher:
            publisher.publish(events)
    except BrokerUnavailable as error:
        sys.exit(f"rooms-mock: {error}")
    for event in events:
        print(json.dumps(summary(event), ensure_ascii=False))
