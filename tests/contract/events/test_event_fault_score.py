"""An event fault joins the fault score, and only a failure of the check named counts.

No broker: the matcher reads a provider's messages from a list (test_event_matcher.py),
and the verdict is judged as test_event_faults.py judges it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from rooms.domain.events import RoomCreated
from tests.contract.events import event_matcher
from tests.contract.events.codec import SchemaStore
from tests.contract.events.event_checks import EventCheckFailed
from tests.contract.events.fault_verdicts import event_check_failure
from tests.contract.events.test_event_matcher import Provider, contract, provider, settle
from tests.contract.fault_score import VERDICTS, FaultJudge

__all__ = ["contract", "provider"]  # fixtures this module uses from the matcher's tests


def _caught(run: Callable[[], object]) -> bool:
    judge = FaultJudge(test="tests/contract/events/test_event_fault_score.py::case")
    try:
        with (
            judge.expect_caught(
                fault="a relay that renames rooms",
                promise="event fields",
                check="fields_match_response",
                fault_set="events",
            ),
            event_check_failure(),
        ):
            run()
    except (AssertionError, pytest.fail.Exception):
        pass
    verdict = VERDICTS.pop()  # not the session's: a miss here would fail the run
    assert verdict.fault_set == "events"
    return verdict.caught


def _renaming(provider: Provider) -> None:
    """One create whose event carries another name than the response showed."""
    room = provider.create()
    provider.publish(RoomCreated(room=dataclasses.replace(room, name="Another name")))


def test_the_field_check_failing_a_broken_provider_is_a_catch(
    provider: Provider, avro_store: SchemaStore
) -> None:
    _renaming(provider)
    assert _caught(lambda: settle(provider, avro_store)) is True


def test_an_event_check_that_passes_a_broken_provider_is_a_miss(
    provider: Provider, avro_store: SchemaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _renaming(provider)
    # The field check made blind: the broken provider now passes, and that is a miss.
    monkeypatch.setattr(event_matcher, "check_fields", lambda *_: None)
    assert _caught(lambda: settle(provider, avro_store)) is False


def test_another_check_failing_is_a_miss(provider: Provider, avro_store: SchemaStore) -> None:
    room = provider.create()
    provider.publish(RoomCreated(room=room), routing_key="room.updated")
    assert _caught(lambda: settle(provider, avro_store)) is False


def test_a_run_failing_for_no_checks_reason_is_a_miss() -> None:
    def run() -> None:
        raise ConnectionError("the broker went away")

    assert _caught(run) is False


def test_a_check_failure_inside_what_hypothesis_raised_is_found() -> None:
    def run() -> None:
        inner = EventCheckFailed("fields_match_response", "room.name differs")
        raise ExceptionGroup("two steps failed", [ValueError("other"), inner])

    assert _caught(run) is True
