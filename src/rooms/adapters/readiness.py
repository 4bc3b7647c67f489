"""Readiness checks that answer within a fixed bound, however the database or broker fails.

Each check runs in its own worker thread and is waited for at most `bound_seconds`. A check
that is still running when the next probe comes is not started again: the probe waits on
the same one, so a stalled database never piles up threads, and the probe still answers
in time, naming the check that did not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from injector import inject, singleton
from sqlalchemy import Engine, func, select

from rooms.adapters.orm import outbox
from rooms.config import Settings

# A load balancer's probe usually times out after 2-5 s: answer well before.
READY_BOUND_SECONDS = 1.0
# With a broker configured, this many unsent events means the relay is stuck, not busy.
MAX_OUTBOX_BACKLOG = 10_000

Check = Callable[[], str]


@singleton
class ReadinessChecks:
    @inject
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self._engine = engine
        self._amqp_url = settings.amqp_url
        self._amqp_exchange = settings.amqp_exchange
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ready-check")
        self._running: dict[str, Future[dict[str, str]]] = {}
        # Reentrant: a check that is already done runs its callback in the thread starting it.
        self._lock = threading.RLock()

    def run(self, bound_seconds: float = READY_BOUND_SECONDS) -> dict[str, str]:
        """Each check's result ("ok" or what is wrong), within `bound_seconds` in all."""
        checks: dict[str, Callable[[], dict[str, str]]] = {"database": self._database}
        if self._amqp_url:
            checks["broker"] = self._broker
        with self._lock:
            futures = {
                name: self._running.get(name) or self._start(name, check)
                for name, check in checks.items()
            }
        wait(futures.values(), timeout=bound_seconds)
        results: dict[str, str] = {}
        for name, future in futures.items():
            if future.done():
                results.update(future.result())
            else:
                results[name] = f"no answer within {bound_seconds:g} s"
        return results

    def _start(self, name: str, check: Callable[[], dict[str, str]]) -> Future[dict[str, str]]:
        future = self._executor.submit(_reported(name, check))
        self._running[name] = future

        def forget(_: Future[dict[str, str]]) -> None:
            with self._lock:
                self._running.pop(name, None)

        future.add_done_callback(forget)
        return future

    def _database(self) -> dict[str, str]:
        with self._engine.connect() as connection:
            backlog = connection.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
        results = {"database": "ok"}
        if self._amqp_url:
            results["outbox"] = (
                "ok" if (backlog or 0) <= MAX_OUTBOX_BACKLOG else f"{backlog} events waiting"
            )
        return results

    def _broker(self) -> dict[str, str]:
        assert self._amqp_url is not None
        # A TCP connect alone passed for anything listening, even a broker (or a proxy in
        # front of one) that accepts connections and never answers: prove it speaks AMQP.
        from rooms.adapters.broker_probe import amqp_handshake

        return {"broker": amqp_handshake(self._amqp_url, self._amqp_exchange, READY_BOUND_SECONDS)}


def _reported(name: str, check: Callable[[], dict[str, str]]) -> Callable[[], dict[str, str]]:
    def run() -> dict[str, str]:
        try:
            return check()
        except Exception as error:
            return {name: f"{type(error).__name__}: {error}"[:500]}

    return run
