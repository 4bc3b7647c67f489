"""The SQLite write gate's lock: writers get it in the order they asked, and a wait is bounded."""

from __future__ import annotations

import threading
import time

from rooms.adapters.sqlite_write_gate import FifoLock


def _queued(lock: FifoLock, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(lock._waiters) < count and time.monotonic() < deadline:
        time.sleep(0.001)
    assert len(lock._waiters) == count


def test_waiters_get_the_lock_in_the_order_they_came() -> None:
    lock = FifoLock()
    assert lock.acquire(timeout=1)
    order: list[int] = []

    def writer(n: int) -> None:
        assert lock.acquire(timeout=5)
        order.append(n)
        lock.release()

    threads = []
    for n in range(5):
        thread = threading.Thread(target=writer, args=(n,))
        thread.start()
        _queued(lock, n + 1)  # each one queued before the next arrives
        threads.append(thread)
    lock.release()
    for thread in threads:
        thread.join(timeout=5)
    assert order == [0, 1, 2, 3, 4]


def test_a_wait_past_its_bound_gives_up_and_leaves_the_lock_usable() -> None:
    lock = FifoLock()
    assert lock.acquire(timeout=1)
    started = time.monotonic()
    assert not lock.acquire(timeout=0.05)
    assert time.monotonic() - started < 1
    assert list(lock._waiters) == []  # the one that gave up is not handed the lock later
    lock.release()
    assert lock.acquire(timeout=0.01)  # free again, not held for a waiter that left
    lock.release()
