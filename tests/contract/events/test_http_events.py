"""Every HTTP write the stateful suite makes emits exactly the event the contracts promise.

In-process the app runs with its relay on the real RabbitMQ (an exchange of this run's
own); in URL mode `--amqp-url` (and `--amqp-exchange`) name the provider's broker.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.contract.events.codec import SchemaStore
from tests.contract.events.event_contract import EventContract
from tests.contract.events.event_machine import with_event_checks
from tests.contract.events.event_matcher import EventMatcher, MatchStats
from tests.contract.events.event_tap import EventTap
from tests.contract.events.targets import EventTarget, flusher
from tests.contract.events.write_recorder import WriteRecorder
from tests.contract.room_store_machine import room_store_machine
from tests.contract_coverage.recorder import suite_name

pytestmark = pytest.mark.integration

# Smaller than test_stateful's run: this one repeats that machine, so it adds to nox -s contract.
STEPS = settings(
    max_examples=6,
    stateful_step_count=10,
    deadline=None,
    database=None,
    # No shrinking: a failing sequence is printed as it ran, and replays with the session seed.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_every_write_emits_the_documented_event(
    base_url: str | None,
    event_target: EventTarget,
    api_key: str,
    event_contract: EventContract,
    avro_store: SchemaStore,
    record_checked: list[MatchStats],
) -> None:
    http = event_target.http
    recorder = WriteRecorder(event_contract)
    recorder.attach(http)
    flush = flusher(http, api_key)
    with EventTap(event_target.amqp_url, event_target.exchange) as tap:
        # Each event that passes joins the contract coverage report (the HTTP side's column).
        suite = suite_name("contract-url" if base_url else "contract")
        matcher = EventMatcher(
            recorder, tap, avro_store, exchange=event_target.exchange, coverage_suite=suite
        )
        machine = with_event_checks(room_store_machine(http, api_key), matcher, flush)
        run_state_machine_as_test(machine, settings=STEPS)
        # One last write: an extra event after the last run's writes would arrive before it.
        flush()
        matcher.settle()
    record_checked.append(matcher.stats)
    assert matcher.stats.writes_checked, "the state machine made no write whose event was checked"
