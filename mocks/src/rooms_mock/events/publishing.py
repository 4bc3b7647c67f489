"""The mock's relay: the events of each write go to the broker, in order, none dropped.

As the service's outbox does, an event the broker did not confirm waits and goes first on
the next attempt (the next write or on-demand publish), so a broker restart loses nothing
and a room's events keep their order. The HTTP answer never waits on a retry loop: one
attempt per write, bounded by the publisher's timeouts, and after a failure writes do not
try again for RETRY_SECONDS (their events wait), so a dead broker does not slow every answer.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable, Iterable

from rooms_mock.events.amqp import AmqpEventPublisher, BrokerUnavailable
from rooms_mock.events.emitter import EventEmitter
from rooms_mock.events.outgoing import OutgoingEvent
from rooms_mock.events.room_records import RoomMappingError
from rooms_mock.writes import Write

RETRY_SECONDS = 5.0


def _warn(text: str) -> None:
    print(f"rooms-mock: {text}", file=sys.stderr, flush=True)


class EventRelay:
    def __init__(
        self,
        emitter: EventEmitter,
        publisher: AmqpEventPublisher,
        *,
        warn: Callable[[str], None] = _warn,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.emitter = emitter
        self.publisher = publisher
        self.pending: deque[OutgoingEvent] = deque()
        self.published = 0
        self._warn = warn
        self._clock = clock
        self._retry_at = 0.0

    def __call__(self, write: Write) -> None:
        """A write listener: publish what the write emits; warn, never raise."""
        try:
            events = self.emitter.events_for(write)
        except RoomMappingError as error:
            self._warn(f"{write.operation_id} emits no event: {error}")
            return
        if self._clock() < self._retry_at:
            self.pending.extend(events)  # the broker failed a moment ago: wait, do not stall
            return
        try:
            self.send(events)
        except BrokerUnavailable as error:
            self._warn(f"{error}; {len(self.pending)} event(s) wait for the next attempt")

    def send(self, events: Iterable[OutgoingEvent]) -> None:
        """Publish waiting events, then these; raises BrokerUnavailable, keeping the unsent."""
        self.pending.extend(events)
        while self.pending:
            try:
                self.publisher.publish([self.pending[0]])
            except BrokerUnavailable:
                self._retry_at = self._clock() + RETRY_SECONDS
                raise
            self.pending.popleft()
            self.published += 1
