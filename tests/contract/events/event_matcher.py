"""Matches what arrives on the exchange to what the suite's writes promised, and names any gap.

The relay publishes in outbox order, so events are read lazily (when a state machine's run
ends) and matched per room: a room's events must come in version order; another room's may
come between. A write that must emit nothing is checked the bounded way: the event of the
next successful write must be the next one to arrive.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.contract.events.codec import HEADER_SIZE, MARKER, AvroDecodeError, SchemaStore, decode
from tests.contract.events.event_checks import (
    check_fields,
    check_properties,
    check_transport,
    check_writer,
    fail,
)
from tests.contract.events.event_tap import Delivery, Tap
from tests.contract.events.write_recorder import Expected, WriteRecorder
from tests.contract_coverage.recorder import record_event


@dataclass
class MatchStats:
    writes_checked: set[int] = field(default_factory=set)  # writes whose events all passed
    silent_checked: int = 0  # writes shown to emit nothing
    foreign: int = 0  # events for rooms this run never touched (URL mode: other clients)
    slowest: float = 0.0  # seconds from a write's response to its event being read


@dataclass(frozen=True)
class _Seen:
    type: str
    room_id: str
    version: int
    event_id: str


class EventMatcher:
    def __init__(
        self,
        recorder: WriteRecorder,
        tap: Tap,
        store: SchemaStore,
        *,
        exchange: str,
        timeout: float = 10.0,
        coverage_suite: str | None = None,
    ) -> None:
        """`coverage_suite`: the contract coverage report's column for the events that pass
        (None, as for a fault proof's broken provider: not recorded)."""
        self.recorder = recorder
        self.tap = tap
        self.store = store
        self.exchange = exchange
        self.timeout = timeout
        self.coverage_suite = coverage_suite
        self.stats = MatchStats()
        self._matched: set[int] = set()
        self._next = 0  # the first expected event not matched yet
        self._silent_done = 0
        self._event_ids: set[str] = set()
        self._failed = False

    def start(self) -> None:
        """Before a state machine's run: after a failed one, forget it and drain the queue."""
        if not self._failed:
            return
        while self.tap.next(0.3) is not None:
            pass
        self._matched = set(range(len(self.recorder.expected)))
        self._next = len(self.recorder.expected)
        self._silent_done = len(self.recorder.silent)
        self._failed = False

    def needs_a_following_write(self) -> bool:
        """A write that must emit nothing is last: only a later write's event can show it."""
        return any(
            silent.next_expected >= len(self.recorder.expected)
            for silent in self.recorder.silent[self._silent_done :]
        )

    def settle(self) -> None:
        """Read until every expected event has arrived and passed; fail naming the first gap."""
        try:
            self._settle()
        except AssertionError:
            self._failed = True
            raise

    def _settle(self) -> None:
        expected = self.recorder.expected
        last_progress = time.monotonic()
        while self._next < len(expected):
            remaining = self.timeout - (time.monotonic() - last_progress)
            delivery = self.tap.next(max(remaining, 0.0))
            if delivery is None:
                missing = expected[self._next]
                raise fail(
                    "event_arrives",
                    f"{missing.describe()}: nothing arrived within {self.timeout:g} s",
                )
            if self._take(delivery):
                last_progress = time.monotonic()

    def _take(self, delivery: Delivery) -> bool:
        seen, record, writer_path = self._decode(delivery)
        if not self._ours(seen, record):
            self.stats.foreign += 1
            return False
        if seen.event_id in self._event_ids:
            raise fail(
                "exactly_one_event",
                f"{seen.type} of room {seen.room_id} v{seen.version} (event {seen.event_id})"
                " arrived twice (at-least-once delivery allows that only after a relay crash)",
            )
        self._check_silence(seen)
        index = self._match(seen)
        event = self.recorder.expected[index]
        check_transport(event, delivery, self.exchange)
        check_properties(event, delivery, record)
        check_writer(event, writer_path)
        check_fields(event, record)
        self._matched.add(index)
        self.stats.writes_checked.add(event.write)
        self._event_ids.add(seen.event_id)
        if self.coverage_suite is not None:
            record_event(
                self.coverage_suite,
                message=event.message.name,
                body=delivery.body,
                operation=event.operation,
            )
        self.stats.slowest = max(self.stats.slowest, time.monotonic() - event.written_at)
        while self._next in self._matched:
            self._next += 1
        self._resolve_silences()
        return True

    def _decode(self, delivery: Delivery) -> tuple[_Seen, dict[str, Any], Path]:
        body = delivery.body
        where = f"message {delivery.properties.message_id} on {delivery.routing_key!r}"
        if len(body) < HEADER_SIZE or body[:2] != MARKER:
            raise fail(
                "known_schema", f"{where}: not Avro single-object encoded ({body[:10].hex()})"
            )
        writer = self.store.by_fingerprint(body[2:HEADER_SIZE])
        if writer is None:
            raise fail(
                "known_schema",
                f"{where}: fingerprint {body[2:HEADER_SIZE].hex()} names no schema in contracts/avro/",
            )
        try:
            record = decode(self.store, body).record
        except AvroDecodeError as error:
            raise fail("decodes", f"{where} ({writer.label}): {error}") from None
        seen = _Seen(
            writer.short_name, str(record["room_id"]), record["version"], str(record["event_id"])
        )
        return seen, record, writer.path

    def _ours(self, seen: _Seen, record: dict[str, Any]) -> bool:
        if seen.room_id in self.recorder.rooms:
            return True
        if any(event.room_id == seen.room_id for event in self.recorder.expected):
            return True
        url = record.get("url") or (record.get("room") or {}).get("url")
        return url in self.recorder.urls

    def _check_silence(self, seen: _Seen) -> None:
        """After a write that must emit nothing, the next write's event must come next."""
        for silent in self.recorder.silent[self._silent_done :]:
            after = silent.next_expected
            if after > self._next or after >= len(self.recorder.expected):
                return  # earlier events are still due, or no later write yet
            if not _same(self.recorder.expected[after], seen):
                check = "refused_write_emits_nothing" if silent.refused else "exactly_one_event"
                raise fail(
                    check,
                    f"after {silent.describe()} the next event should be that of"
                    f" {self.recorder.expected[after].describe()}, but {seen.type} of room"
                    f" {seen.room_id} v{seen.version} arrived",
                )
            return

    def _resolve_silences(self) -> None:
        silent = self.recorder.silent
        while (
            self._silent_done < len(silent) and silent[self._silent_done].next_expected < self._next
        ):
            self._silent_done += 1
            self.stats.silent_checked += 1

    def _match(self, seen: _Seen) -> int:
        expected = self.recorder.expected
        pending = [
            index
            for index in range(self._next, len(expected))
            if index not in self._matched and expected[index].room_id == seen.room_id
        ]
        what = f"{seen.type} of room {seen.room_id} v{seen.version} (event {seen.event_id})"
        if not pending:
            raise fail("exactly_one_event", f"{what}: no write of this run explains it")
        first = expected[pending[0]]
        if _same(first, seen):
            return pending[0]
        if any(_same(expected[index], seen) for index in pending[1:]):
            raise fail("version_order", f"{what} arrived before the event of {first.describe()}")
        if first.version in (None, seen.version) and first.message.name != seen.type:
            raise fail("event_type", f"{first.describe()}: a {seen.type} arrived instead")
        raise fail("exactly_one_event", f"{what}: expected next for this room: {first.describe()}")


def _same(event: Expected, seen: _Seen) -> bool:
    return (
        event.message.name == seen.type
        and event.room_id == seen.room_id
        and (event.version is None or event.version == seen.version)
    )
