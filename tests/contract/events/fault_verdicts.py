"""How an event fault proof's run is judged: by the event check failure inside what it raised.

A state machine run raises what Hypothesis makes of the failure (the error itself, a group
of them, or one chained to it); `event_check_failure()` re-raises the `EventCheckFailed`
inside, so the fault score's `FaultJudge.expect_caught` judges it by the check it names.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.contract.events.event_checks import EventCheckFailed


def event_failure(error: BaseException | None) -> EventCheckFailed | None:
    """The check failure inside what Hypothesis raised (a plain error or a group of them)."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, EventCheckFailed):
            return current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        pending.extend([current.__cause__, current.__context__])
    return None


@contextmanager
def event_check_failure() -> Iterator[None]:
    """Re-raises a failed run as its event check failure; any other failure names no check."""
    try:
        yield
    except EventCheckFailed:
        raise
    except Exception as error:
        failure = event_failure(error)
        if failure is None:
            # An AssertionError naming no `[check]`: the judge records it as a miss.
            raise AssertionError(f"no event check failed, but: {error!r}") from error
        raise failure from error
