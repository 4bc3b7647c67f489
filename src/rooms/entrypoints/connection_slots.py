"""Connection slots of one worker: the cap, the bounded overflow past it, and a FIFO queue.

`max_connections` connections hold a slot and are served as usual. Past the cap, up to
`max_waiting` more are accepted without a slot: their heads are read (under the same head
deadline and size cap), the probes are served at once, and any other request waits in a
FIFO queue for a slot, at most `queue_seconds`. Past the cap and the overflow a connection
is refused, so memory stays bounded. A slot freed while requests queue goes straight to
the oldest of them: a new connection cannot overtake it.

All of it runs on the worker's event loop, so no lock is needed.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from enum import Enum


class Admission(Enum):
    SLOT = "slot"  # holds a slot: served as usual
    WAITING = "waiting"  # past the cap: probes served, other requests queue for a slot
    REFUSED = "refused"  # past the cap and the overflow: closed at once


class ConnectionSlots:
    def __init__(self, max_connections: int, max_waiting: int) -> None:
        self.max_connections = max_connections
        self.max_waiting = max_waiting
        self.held = 0
        self.waiting = 0
        # Futures of queued requests, oldest first; True hands the waiter a slot.
        self._queue: deque[asyncio.Future[bool]] = deque()

    @property
    def queued(self) -> int:
        return len(self._queue)

    def admit(self) -> Admission:
        if self.held < self.max_connections:
            self.held += 1
            return Admission.SLOT
        if self.waiting < self.max_waiting:
            self.waiting += 1
            return Admission.WAITING
        return Admission.REFUSED

    def release(self) -> None:
        """A slot holder went away: its slot goes to the oldest queued request, if any."""
        while self._queue:
            waiter = self._queue.popleft()
            if not waiter.done():
                # The slot changes hands without being counted free: `held` stays.
                self.waiting -= 1
                waiter.set_result(True)
                return
        self.held -= 1

    def leave_waiting(self) -> None:
        """A connection without a slot went away."""
        self.waiting -= 1

    async def acquire(self, waiter: asyncio.Future[bool], timeout: float) -> bool:
        """For a connection without a slot: True once it holds one, False after `timeout`.

        `waiter` may also be resolved False from outside (the client left, or the server
        stops), which ends the wait at once.
        """
        if self.held < self.max_connections and not self._queue:
            self.held += 1
            self.waiting -= 1
            return True
        self._queue.append(waiter)
        timer = asyncio.get_running_loop().call_later(timeout, _resolve, waiter, False)
        try:
            granted = await waiter
        finally:
            timer.cancel()
        if not granted and waiter in self._queue:
            # Not left for `release` to skip: without a release for a while, clients that
            # queue and give up would otherwise grow the queue without bound.
            self._queue.remove(waiter)
        return granted


def _resolve(waiter: asyncio.Future[bool], value: bool) -> None:
    if not waiter.done():
        waiter.set_result(value)


def resolve(waiter: asyncio.Future[bool] | None, value: bool) -> None:
    """End a queued wait with `value`, unless it has ended already."""
    if waiter is not None:
        _resolve(waiter, value)


# One per uvicorn server (its ServerState), created by the first connection.
_slots: weakref.WeakKeyDictionary[object, ConnectionSlots] = weakref.WeakKeyDictionary()


def slots_for(server_state: object, max_connections: int, max_waiting: int) -> ConnectionSlots:
    slots = _slots.get(server_state)
    if slots is None:
        slots = _slots[server_state] = ConnectionSlots(max_connections, max_waiting)
    return slots
