"""Any state machine of the suite, with its writes' events checked when each run ends."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis.stateful import RuleBasedStateMachine

from tests.contract.events.event_matcher import EventMatcher


def with_event_checks(
    machine: type[RuleBasedStateMachine],
    matcher: EventMatcher,
    flush: Callable[[], None],
) -> type[RuleBasedStateMachine]:
    """`machine` whose every run ends by matching the events of the writes it made.

    The writes are seen through the HTTP client (WriteRecorder), so the machine's own rules
    need no change; `flush` makes one more successful write when a refused one came last.
    """

    class WithEventChecks(machine):  # type: ignore[valid-type,misc]
        def __init__(self) -> None:
            matcher.start()
            super().__init__()

        def teardown(self) -> None:
            super().teardown()
            if matcher.needs_a_following_write():
                flush()
            matcher.settle()

    WithEventChecks.__name__ = f"{machine.__name__}WithEventChecks"
    return WithEventChecks
