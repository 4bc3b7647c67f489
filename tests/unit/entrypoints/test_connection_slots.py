"""The slot bookkeeping behind the connection cap, without a server: bounds, order, time-out."""

from __future__ import annotations

import asyncio

from rooms.entrypoints.connection_slots import Admission, ConnectionSlots, resolve


def test_past_the_cap_connections_wait_and_past_the_overflow_they_are_refused() -> None:
    slots = ConnectionSlots(max_connections=2, max_waiting=1)
    assert [slots.admit() for _ in range(4)] == [
        Admission.SLOT,
        Admission.SLOT,
        Admission.WAITING,
        Admission.REFUSED,
    ]
    slots.leave_waiting()
    assert slots.admit() is Admission.WAITING  # the overflow is a count, freed on leaving


def test_a_freed_slot_goes_to_the_oldest_queued_request_not_to_a_new_connection() -> None:
    async def scenario() -> list[str]:
        slots = ConnectionSlots(max_connections=1, max_waiting=2)
        assert slots.admit() is Admission.SLOT
        assert slots.admit() is Admission.WAITING
        assert slots.admit() is Admission.WAITING
        loop = asyncio.get_running_loop()
        served: list[str] = []

        async def queued(name: str) -> None:
            if await slots.acquire(loop.create_future(), timeout=5):
                served.append(name)

        first = asyncio.create_task(queued("first"))
        await asyncio.sleep(0)
        second = asyncio.create_task(queued("second"))
        await asyncio.sleep(0)
        slots.release()  # the holder leaves: its slot passes to "first" directly
        await first
        assert slots.admit() is Admission.WAITING  # a newcomer did not take that slot
        slots.release()
        await second
        return served

    assert asyncio.run(scenario()) == ["first", "second"]


def test_a_queued_request_gives_up_after_its_time_out_or_when_ended_and_leaves_the_queue() -> None:
    async def scenario() -> tuple[bool, bool, int]:
        slots = ConnectionSlots(max_connections=1, max_waiting=2)
        slots.admit(), slots.admit(), slots.admit()
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(2):  # the wait is the slots' own bound, not this one
            timed_out = await slots.acquire(loop.create_future(), timeout=0.05)
        ended_by: asyncio.Future[bool] = loop.create_future()
        loop.call_soon(resolve, ended_by, False)  # the client left, or the server stops
        ended = await slots.acquire(ended_by, timeout=5)
        return timed_out, ended, slots.queued  # those who gave up are not kept queued

    assert asyncio.run(scenario()) == (False, False, 0)


def test_a_slot_freed_just_as_a_queued_request_gives_up_is_not_handed_to_it() -> None:
    async def scenario() -> tuple[bool, int]:
        slots = ConnectionSlots(max_connections=1, max_waiting=1)
        slots.admit(), slots.admit()
        gone: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        waiting = asyncio.create_task(slots.acquire(gone, timeout=5))
        await asyncio.sleep(0)
        resolve(gone, False)  # the client left...
        slots.release()  # ...and, in the same turn of the loop, the holder too
        return await waiting, slots.held

    assert asyncio.run(scenario()) == (False, 0)
