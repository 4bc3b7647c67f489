"""The mock's relay without a broker: events the broker did not take wait and go first, in
order; a write never fails on the broker; on demand, a broker failure is a 503 problem."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from conftest import NEW_ROOM, SPEC, caller
from rooms_mock.engine import MockEngine, MockOptions, MockRequest
from rooms_mock.events.amqp import BrokerUnavailable
from rooms_mock.events.contract import load_contract
from rooms_mock.events.control import EventControls
from rooms_mock.events.emitter import EventEmitter
from rooms_mock.events.on_demand import OnDemand
from rooms_mock.events.outgoing import OutgoingEvent
from rooms_mock.events.publishing import RETRY_SECONDS, EventRelay
from rooms_mock.events.wiring import EventsSetupError, MockEvents


class FlakyPublisher:
    """Takes events while `up`, refuses them (as pika's errors become) while down."""

    def __init__(self) -> None:
        self.up = True
        self.taken: list[OutgoingEvent] = []
        self.attempts = 0

    def publish(self, events: Iterable[OutgoingEvent]) -> None:
        for event in events:
            self.attempts += 1
            if not self.up:
                raise BrokerUnavailable("cannot reach RabbitMQ at amqp://test")
            self.taken.append(event)

    def close(self) -> None:
        pass


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _relay(clock: Clock | None = None) -> tuple[EventRelay, FlakyPublisher, list[str], Any]:
    engine = MockEngine.from_path(SPEC, MockOptions(stateful=True))
    publisher = FlakyPublisher()
    warnings: list[str] = []
    relay = EventRelay(
        EventEmitter(load_contract(), engine.document),
        publisher,  # type: ignore[arg-type]
        warn=warnings.append,
        clock=clock or Clock(),
    )
    engine.add_write_listener(relay)
    return relay, publisher, warnings, caller(engine)


def test_events_wait_while_the_broker_is_down_and_go_first_in_order() -> None:
    clock = Clock()
    relay, publisher, warnings, call = _relay(clock)
    room = call("POST", "/rooms", json_body=NEW_ROOM).json()
    publisher.up = False
    patched = call(
        "PATCH",
        f"/rooms/{room['id']}",
        json_body={"price": 1},
        headers={"content-type": "application/merge-patch+json"},
    )
    assert patched.status == 200  # the write stands; only its event waits
    assert len(warnings) == 1
    assert "1 event(s) wait" in warnings[0]
    attempts = publisher.attempts
    # Right after a failure, writes do not try the broker again (each try can take seconds).
    assert call("DELETE", f"/rooms/{room['id']}").status == 204
    assert publisher.attempts == attempts
    assert [e.message for e in relay.pending] == ["RoomUpdated", "RoomDeleted"]

    clock.now += RETRY_SECONDS
    publisher.up = True
    call("POST", "/rooms", json_body={**NEW_ROOM, "url": "https://stays.example/r/78"})
    assert [e.message for e in publisher.taken] == [
        "RoomCreated",
        "RoomUpdated",
        "RoomDeleted",
        "RoomCreated",
    ]
    assert not relay.pending


def test_on_demand_answers_503_while_the_broker_is_down() -> None:
    relay, publisher, _, _ = _relay()
    controls = EventControls(OnDemand(load_contract()), relay)
    publisher.up = False
    down = controls(MockRequest("POST", "/__mock__/events/RoomCreated", "example=minimal"))
    assert down is not None
    assert down.status == 503
    assert down.header("content-type") == "application/problem+json"
    assert "cannot reach RabbitMQ" in down.json()["detail"]
    publisher.up = True
    up = controls(MockRequest("POST", "/__mock__/events/RoomDeleted", "dynamic&count=2"))
    assert up is not None
    assert up.status == 200
    # The waiting example goes first.
    assert [e.message for e in publisher.taken] == ["RoomCreated", "RoomDeleted", "RoomDeleted"]
    assert controls(MockRequest("GET", "/__mock__/requests")) is None  # not the events'


def test_amqp_url_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pika" else real(name, *a)
    )
    engine = MockEngine.from_path(SPEC, MockOptions(stateful=True))
    with pytest.raises(EventsSetupError, match=r"pip install 'rooms-mock\[events\]'.*pika"):
        MockEvents(engine, "amqp://guest:guest@127.0.0.1:5672/%2F")
