"""In-process events for the `rooms_api` fixture: what the mock would have published, no broker."""

from __future__ import annotations

from typing import Any

from rooms_mock.events import require_extra
from rooms_mock.writes import Write


class EventRecorder:
    def __init__(self, document: dict[str, Any]) -> None:
        require_extra("api.events", ("rooms_events",))
        from rooms_mock.events.contract import load_contract
        from rooms_mock.events.emitter import EventEmitter

        self._emitter = EventEmitter(load_contract(), document)
        # Each write with its events, encoded once: asking twice gives the same event ids.
        self._done: list[tuple[Write, list[Any]]] = []

    def events(self, writes: list[Write]) -> list[Any]:
        kept = 0
        while kept < min(len(writes), len(self._done)) and self._done[kept][0] is writes[kept]:
            kept += 1
        del self._done[kept:]  # after a reset, the writes are new ones
        for write in writes[kept:]:
            self._done.append((write, self._emitter.events_for(write)))
        return [event for _, events in self._done for event in events]
