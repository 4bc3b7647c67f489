"""The event checks catch broken providers: each fault fails the check that names it.

Each case runs the same state machine and checks as test_http_events.py against the app
with one deliberate fault in its relay or service, on the real RabbitMQ. A suite that
passed these would prove nothing. Each verdict joins the fault score printed at the end
of the session (fault set `events`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from injector import Module

from tests.conftest import AMQP_URL, require_service
from tests.contract.events import faults
from tests.contract.events.codec import SchemaStore
from tests.contract.events.event_contract import EventContract
from tests.contract.events.event_machine import with_event_checks
from tests.contract.events.event_matcher import EventMatcher
from tests.contract.events.event_tap import EventTap
from tests.contract.events.fault_verdicts import event_check_failure
from tests.contract.events.faults import PublisherFactory
from tests.contract.events.targets import flusher, in_process, run_exchange
from tests.contract.events.write_recorder import WriteRecorder
from tests.contract.fault_score import FaultJudge
from tests.contract.room_store_machine import room_store_machine

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FAULT_STEPS = settings(
    max_examples=10,
    stateful_step_count=6,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
# A missing event fails after this long with nothing arriving (the suite itself waits 10 s).
FAULT_TIMEOUT = 1.5

# (fault, promise it breaks, the broken relay's publisher, service overrides, the check)
Fault = tuple[str, str, Callable[[SchemaStore], PublisherFactory | None], tuple[Module, ...], str]
FAULTS: list[Fault] = [
    (
        "a relay that drops a field",
        "event fields",
        faults.drops_a_field,
        (),
        "fields_match_response",
    ),
    ("a wrong routing key", "event routing", lambda _: faults.wrong_routing_key, (), "routing_key"),
    (
        "nothing emitted on delete",
        "event emitted",
        lambda _: faults.SilentOnDelete,
        (),
        "event_arrives",
    ),
    (
        "an event on a refused write",
        "event emitted",
        lambda _: None,
        (faults.LeakingService(),),
        "refused_write_emits_nothing",
    ),
    (
        "a room's events reordered",
        "event order",
        lambda _: faults.ReordersARoomsEvents,
        (),
        "version_order",
    ),
    ("an unknown writer schema", "event schema", faults.unknown_schema, (), "known_schema"),
    (
        "a header missing",
        "event headers",
        lambda _: faults.without_room_version_header,
        (),
        "message_properties",
    ),
    (
        "an event published twice",
        "event emitted",
        lambda _: faults.PublishesUpdatesTwice,
        (),
        "exactly_one_event",
    ),
]


@pytest.mark.parametrize(
    ("fault", "promise", "publisher", "overrides", "check"), FAULTS, ids=[f[0] for f in FAULTS]
)
def test_a_broken_provider_fails_the_event_check_that_names_it(
    fault: str,
    promise: str,
    publisher: Callable[[SchemaStore], PublisherFactory | None],
    overrides: tuple[Module, ...],
    check: str,
    avro_store: SchemaStore,
    event_contract: EventContract,
    tmp_path: Path,
    fault_score: FaultJudge,
) -> None:
    require_service("RabbitMQ", AMQP_URL, 5672)
    exchange = run_exchange(event_contract.exchange)
    database = f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    with (
        in_process(
            database,
            avro_store,
            AMQP_URL,
            exchange,
            publisher=publisher(avro_store),
            overrides=overrides,
        ) as target,
        EventTap(AMQP_URL, exchange) as tap,
    ):
        recorder = WriteRecorder(event_contract)
        recorder.attach(target.http)
        matcher = EventMatcher(recorder, tap, avro_store, exchange=exchange, timeout=FAULT_TIMEOUT)
        machine = with_event_checks(
            room_store_machine(target.http, "test-api-key-1"),
            matcher,
            flusher(target.http, "test-api-key-1"),
        )
        # The verdict joins the fault score table (fault set `events`); a miss fails the run.
        with (
            fault_score.expect_caught(
                fault=fault, promise=promise, check=check, fault_set="events"
            ),
            event_check_failure(),
        ):
            run_state_machine_as_test(machine, settings=FAULT_STEPS)
