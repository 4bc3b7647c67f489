"""The event checks' target, and the count of checked writes at the end of the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import AMQP_URL, require_service
from tests.contract.events.codec import SchemaStore
from tests.contract.events.event_contract import EventContract, load_event_contract
from tests.contract.events.event_matcher import MatchStats
from tests.contract.events.targets import EventTarget, in_process, run_exchange
from tests.contract_coverage.recorder import record_by_url

CHECKED = pytest.StashKey[list[MatchStats]]()


@pytest.fixture(scope="session")
def event_contract() -> EventContract:
    return load_event_contract()


@pytest.fixture
def event_target(
    base_url: str | None,
    pytestconfig: pytest.Config,
    event_contract: EventContract,
    avro_store: SchemaStore,
    tmp_path: Path,
) -> Iterator[EventTarget]:
    amqp_url = pytestconfig.getoption("--amqp-url")
    if base_url:
        if not amqp_url:
            pytest.skip(
                "the HTTP->event checks need the provider's broker: add --amqp-url URL"
                " (and --amqp-exchange NAME if it is not the contract's)"
            )
        exchange = pytestconfig.getoption("--amqp-exchange") or event_contract.exchange
        # Its exchanges join the contract coverage report, as the other URL-mode clients' do.
        with httpx.Client(
            base_url=base_url, timeout=30, event_hooks={"response": [record_by_url]}
        ) as http:
            yield EventTarget(http, amqp_url, exchange)
        return
    amqp_url = amqp_url or AMQP_URL
    require_service("RabbitMQ", amqp_url, 5672)
    database = f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    exchange = run_exchange(event_contract.exchange)
    with in_process(database, avro_store, amqp_url, exchange) as target:
        yield target


@pytest.fixture
def record_checked(pytestconfig: pytest.Config) -> list[MatchStats]:
    """Stats appended here are reported at the end of the run."""
    return pytestconfig.stash.setdefault(CHECKED, [])


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    runs = config.stash.get(CHECKED, [])
    if not runs:
        return
    writes = sum(len(stats.writes_checked) for stats in runs)
    silent = sum(stats.silent_checked for stats in runs)
    foreign = sum(stats.foreign for stats in runs)
    slowest = max(stats.slowest for stats in runs)
    terminalreporter.write_sep("-", "HTTP -> event checks")
    terminalreporter.write_line(
        f"{writes} HTTP writes had their events checked (arrival, type, routing key,"
        f" properties, headers, schema, decoding, fields, order); {silent} writes that must"
        f" emit nothing were shown to emit nothing; slowest event read {slowest:.2f} s after"
        f" its write" + (f"; {foreign} events of other clients ignored" if foreign else "")
    )
